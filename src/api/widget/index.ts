import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../../deps.ts";
import { removeStored, storeUploads } from "../../domain/attachments/storage.ts";
import { NotFound, TooManyRequests } from "../../domain/errors.ts";
import { MAX_ATTACHMENTS } from "../../domain/messages/commands.ts";
import { listMessages } from "../../domain/messages/queries.ts";
import {
  createVisitorConversation,
  createVisitorMessage,
  identifyContact,
  markSeenByVisitor,
  patchCurrentConversation,
  removeVisitorCustomAttributes,
  resolveByVisitor,
  sendTranscript,
  setUser,
  setVisitorLabel,
  submitMessageValues,
  triggerWidgetEvent,
  visitorTyping,
  type ConversationContext,
  type SetUserInput,
} from "../../domain/widget/commands.ts";
import { widgetConfigJson, visitorContactJson, widgetConversationJson, widgetMessagesJson, inboxMembersJson } from "../../domain/widget/serialize.ts";
import { assertOriginAllowed, createVisitor, currentConversation, findVisitor, findWebWidget, visitorConversations, type Visitor, type WebWidget } from "../../domain/widget/session.ts";
import { signWidgetToken, verifyWidgetToken } from "../../domain/widget/token.ts";
import { limitTranscripts } from "../../domain/conversations/transcript.ts";
import { clientIp } from "../../web/session.ts";
import { readBody, readQuery } from "../validate.ts";
import { limitWidget } from "./limits.ts";

/**
 * The widget API (Chatwoot's /api/v1/widget/…): what the website widget iframe calls for its visitor. Every request
 * names the inbox by `website_token`; the visitor's session is the JWT in `X-Auth-Token` ({source_id, inbox_id}).
 */

type WidgetEnv = AppEnv & { Variables: { widget: WebWidget } };

const attrs = z.record(z.string(), z.unknown(), { error: "must be an object" });
const str = (max: number) => z.string({ error: "must be a string" }).max(max, `is too long (maximum is ${max} characters)`);
const optStr = (max: number) => str(max).nullable().optional();
const identifier = z.union([str(255), z.number()]).transform((v) => String(v));

const contactFields = z.object({
  name: optStr(255),
  email: optStr(255),
  phone_number: optStr(50),
  avatar_url: optStr(2048),
  identifier: identifier.nullable().optional(),
  identifier_hash: optStr(128),
  custom_attributes: attrs.optional(),
  additional_attributes: attrs.optional(),
});
const messageFields = z.object({
  content: optStr(150_000),
  echo_id: z.union([str(255), z.number()]).transform(String).nullable().optional(),
  referer_url: optStr(2048),
  timestamp: optStr(255),
  reply_to: z.coerce.number().int().nullable().optional(),
  attachments: z
    .array(z.instanceof(File, { error: "must be files (multipart/form-data)" }))
    .max(MAX_ATTACHMENTS, "exceeded maximum allowed")
    .optional(),
});

function websiteToken(c: Context<WidgetEnv>): string | undefined {
  return c.req.query("website_token") ?? undefined;
}

function context(c: Context<WidgetEnv>): ConversationContext {
  return { browser_language: c.req.header("accept-language")?.split(",")[0]?.split(";")[0]?.trim() || null, browser: { user_agent: c.req.header("user-agent") ?? null } };
}

/** The visitor of the token, or 404 (WebsiteTokenHelper#set_contact). */
async function visitorOf(c: Context<WidgetEnv>): Promise<Visitor> {
  const w = c.var.widget;
  const payload = await verifyWidgetToken(c.var.deps.config.secretKey, c.req.header("x-auth-token"));
  const v = payload && payload.inbox_id === w.inbox.id ? findVisitor(c.var.deps.db, w, payload.source_id) : null;
  if (!v) throw new NotFound("Contact");
  return v;
}

/** set_user's answer: the contact, and a `widget_auth_token` when the visitor got a new session. */
async function setUserResponse(c: Context<WidgetEnv>, v: Visitor, input: SetUserInput) {
  const { deps, widget: w } = c.var;
  const { visitor, newSession } = deps.tx((tx) => setUser(tx, w, v, input));
  const json: Record<string, unknown> = visitorContactJson(visitor.contact, visitor.contactInbox);
  if (newSession) json.widget_auth_token = await signWidgetToken(deps.config.secretKey, { source_id: visitor.contactInbox.source_id, inbox_id: w.inbox.id });
  return c.json(json);
}

const ownOrigin = (c: Context<WidgetEnv>) => new URL(c.var.deps.config.publicUrl).origin;

/**
 * What the widget needs to start, for `X-Auth-Token`-less callers: POST config's answer (the visitor of a valid
 * token, or a new anonymous visitor, with a fresh token), the current conversation and its messages. The /widget
 * page embeds it, so the iframe is usable without a request of its own; POST config answers the first part.
 */
export async function widgetBoot<E extends AppEnv>(c: Context<E>, w: WebWidget, token: string | undefined) {
  const deps: AppDeps = c.var.deps;
  const payload = await verifyWidgetToken(deps.config.secretKey, token);
  let v = payload && payload.inbox_id === w.inbox.id ? findVisitor(deps.db, w, payload.source_id) : null;
  if (!v) {
    limitWidget(c, "visitors");
    v = deps.tx((tx) => createVisitor(tx, w));
  }
  const auth = await signWidgetToken(deps.config.secretKey, { source_id: v.contactInbox.source_id, inbox_id: w.inbox.id });
  return { visitor: v, config: widgetConfigJson(deps.db, w, v.contact, v.contactInbox, auth, deps.config.publicUrl, deps.clock.now()) };
}

/** The embedded start-up data of the /widget page: config, conversation and its latest messages. */
export async function widgetPageData<E extends AppEnv>(c: Context<E>, w: WebWidget, token: string | undefined) {
  const { visitor, config } = await widgetBoot(c, w, token);
  const deps: AppDeps = c.var.deps;
  const conv = currentConversation(deps.db, w, visitor);
  const messages = conv ? widgetMessagesJson(deps.db, deps.config.publicUrl, conv, listMessages(deps.db, conv, { filter_internal_messages: true })) : [];
  return { ...config, conversation: widgetConversationJson(conv), messages };
}

export const widgetApiRoutes = new Hono<WidgetEnv>()
  .use(async (c, next) => {
    const w = findWebWidget(c.var.deps.db, websiteToken(c));
    assertOriginAllowed(w, c.req.header("origin"), ownOrigin(c));
    c.set("widget", w);
    await next();
  })
  // ConfigsController#create: the visitor of a valid token, or a new anonymous visitor; always a fresh token.
  .post("/config", async (c) => c.json((await widgetBoot(c, c.var.widget, c.req.header("x-auth-token"))).config))
  .get("/contact", async (c) => {
    const v = await visitorOf(c);
    return c.json(visitorContactJson(v.contact, v.contactInbox));
  })
  .patch("/contact", async (c) => {
    const v = await visitorOf(c);
    limitWidget(c, "contacts");
    const body = await readBody(c, contactFields);
    const w = c.var.widget;
    if (body.identifier) return setUserResponse(c, v, { ...body, identifier: body.identifier });
    const contact = c.var.deps.tx((tx) => identifyContact(tx, w.inbox.account_id, v.contact, { ...body, identifier: undefined }));
    return c.json(visitorContactJson(contact, v.contactInbox));
  })
  .patch("/contact/set_user", async (c) => {
    const v = await visitorOf(c);
    limitWidget(c, "contacts");
    return setUserResponse(c, v, await readBody(c, contactFields.extend({ identifier })));
  })
  .post("/contact/destroy_custom_attributes", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ custom_attributes: z.array(str(255), { error: "must be a list of keys" }) }));
    const contact = c.var.deps.tx((tx) => removeVisitorCustomAttributes(tx, c.var.widget, v, body.custom_attributes));
    return c.json(visitorContactJson(contact, v.contactInbox));
  })
  .get("/conversations", async (c) => {
    const v = await visitorOf(c);
    return c.json(widgetConversationJson(currentConversation(c.var.deps.db, c.var.widget, v)));
  })
  .post("/conversations", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ contact: contactFields.optional(), message: messageFields.optional(), custom_attributes: attrs.optional() }));
    const { deps, widget: w } = c.var;
    limitWidget(c, "conversations");
    const r = deps.tx((tx) => createVisitorConversation(tx, w, v, body, context(c)));
    const msgs = r.message ? widgetMessagesJson(deps.db, deps.config.publicUrl, r.conversation, [r.message], body.message?.echo_id) : [];
    return c.json({
      ...widgetConversationJson(r.conversation),
      messages: msgs,
      contact: { id: r.contact.id, name: r.contact.name, email: r.contact.email, phone_number: r.contact.phone_number },
    });
  })
  .post("/conversations/set_custom_attributes", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ custom_attributes: attrs }));
    const conv = c.var.deps.tx((tx) => patchCurrentConversation(tx, c.var.widget, v, () => ({ custom_attributes: body.custom_attributes })));
    return c.json(widgetConversationJson(conv));
  })
  .post("/conversations/destroy_custom_attributes", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ custom_attribute: z.union([str(255), z.array(str(255))]) }));
    const keys = Array.isArray(body.custom_attribute) ? body.custom_attribute : [body.custom_attribute];
    const conv = c.var.deps.tx((tx) =>
      patchCurrentConversation(tx, c.var.widget, v, (cur) => ({ custom_attributes: Object.fromEntries(Object.entries(cur.custom_attributes).filter(([k]) => !keys.includes(k))) })),
    );
    return c.json(widgetConversationJson(conv));
  })
  .post("/conversations/update_last_seen", async (c) => {
    const v = await visitorOf(c);
    c.var.deps.tx((tx) => markSeenByVisitor(tx, c.var.widget, v));
    return c.body(null, 200);
  })
  .post("/conversations/toggle_typing", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ typing_status: z.enum(["on", "off"], { error: "must be on or off" }) }));
    c.var.deps.tx((tx) => visitorTyping(tx, c.var.widget, v, body.typing_status === "on"));
    return c.body(null, 200);
  })
  .get("/conversations/toggle_status", async (c) => {
    const v = await visitorOf(c);
    c.var.deps.tx((tx) => resolveByVisitor(tx, c.var.widget, v));
    return c.body(null, 200);
  })
  .post("/conversations/transcript", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ email: optStr(255) }));
    const { deps, widget: w } = c.var;
    const ip = clientIp(c as unknown as Context<AppEnv>);
    deps.tx((tx) => sendTranscript(tx, w, v, deps.config.publicUrl, body.email, () => limitTranscripts(deps, v.contact.id, ip)));
    return c.body(null, 200);
  })
  .get("/messages", async (c) => {
    const v = await visitorOf(c);
    const q = readQuery(c, z.object({ before: z.coerce.number({ error: "must be a number" }).int().optional(), after: z.coerce.number({ error: "must be a number" }).int().optional() }));
    const { deps, widget: w } = c.var;
    const conv = currentConversation(deps.db, w, v);
    if (!conv) return c.json([]);
    const rows = listMessages(deps.db, conv, { ...q, filter_internal_messages: true });
    return c.json(widgetMessagesJson(deps.db, deps.config.publicUrl, conv, rows));
  })
  .post("/messages", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ message: messageFields }));
    const { deps, widget: w } = c.var;
    if (!currentConversation(deps.db, w, v)) limitWidget(c, "conversations");
    const { attachments = [], ...message } = body.message;
    const files = await storeUploads(deps.config.dataDir, attachments, deps.config.maxUploadBytes);
    let r;
    try {
      r = deps.tx((tx) => createVisitorMessage(tx, w, v, message, context(c), files));
    } catch (err) {
      await removeStored(deps.config.dataDir, files.map((f) => f.storage_key));
      throw err;
    }
    return c.json(widgetMessagesJson(deps.db, deps.config.publicUrl, r.conversation, [r.message], body.message.echo_id)[0]);
  })
  .patch("/messages/:id", async (c) => {
    const v = await visitorOf(c);
    const id = /^\d{1,15}$/.test(c.req.param("id")) ? Number(c.req.param("id")) : NaN;
    const body = await readBody(
      c,
      z.object({
        contact: z.object({ email: optStr(255) }).optional(),
        message: z
          .object({
            submitted_values: z.union([z.array(z.unknown()).max(100), attrs], { error: "must be a list or an object" }).optional(),
            submitted_email: optStr(255),
            csat_survey_response: attrs.optional(),
          })
          .optional(),
      }),
    );
    const { deps, widget: w } = c.var;
    if (!Number.isSafeInteger(id)) return c.json({ message: "Message not found" }, 404);
    const m = deps.tx((tx) => submitMessageValues(tx, w, v, id, {
        // Chatwoot's shapes, and the flat ones (message.csat_survey_response, message.submitted_email) some clients send.
        submitted_values: body.message?.csat_survey_response ? { csat_survey_response: body.message.csat_survey_response } : body.message?.submitted_values,
        submitted_email: body.contact?.email ?? body.message?.submitted_email,
      }));
    const conv = visitorConversations(deps.db, w, v).find((x) => x.id === m.conversation_id)!;
    return c.json(widgetMessagesJson(deps.db, deps.config.publicUrl, conv, [m])[0]);
  })
  .post("/events", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ name: str(100), event_info: attrs.optional() }));
    const info = { ...(body.event_info ?? {}), browser_language: context(c).browser_language, browser: context(c).browser, widget_language: c.req.query("locale") ?? null };
    c.var.deps.tx((tx) => triggerWidgetEvent(tx, c.var.widget, v, body.name, info));
    return c.body(null, 204);
  })
  .post("/labels", async (c) => {
    const v = await visitorOf(c);
    const body = await readBody(c, z.object({ label: str(255) }));
    c.var.deps.tx((tx) => setVisitorLabel(tx, c.var.widget, v, body.label, true));
    return c.body(null, 200);
  })
  .delete("/labels/:label", async (c) => {
    const v = await visitorOf(c);
    c.var.deps.tx((tx) => setVisitorLabel(tx, c.var.widget, v, c.req.param("label"), false));
    return c.body(null, 200);
  })
  .get("/inbox_members", (c) => c.json(inboxMembersJson(c.var.deps.db, c.var.widget.inbox.id)));
