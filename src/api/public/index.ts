import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../../deps.ts";
import { removeStored, storeUploads } from "../../domain/attachments/storage.ts";
import { Records } from "../../domain/conversations/records.ts";
import { workingHoursOf } from "../../domain/inboxes/business-hours.ts";
import { MAX_ATTACHMENTS, MAX_CONTENT_LENGTH } from "../../domain/messages/commands.ts";
import { listMessages } from "../../domain/messages/queries.ts";
import {
  contactTyping,
  createSession,
  markSeenByContact,
  postContactMessage,
  resolveByContact,
  startConversation,
  submitMessageValues,
  updateSessionContact,
} from "../../domain/public-client/commands.ts";
import { publicContactJson, publicConversationJson, publicInboxJson, publicMessagesJson } from "../../domain/public-client/serialize.ts";
import {
  chatMessages,
  checkIdentifierHash,
  findPublicInbox,
  findSession,
  getSessionConversation,
  listSessionConversations,
  type ContactSession,
} from "../../domain/public-client/session.ts";
import { idParam, readBody, readQuery } from "../validate.ts";
import { createPublicLimiters, limitByIp } from "./limits.ts";

const HMAC_FAILED = { error: "HMAC failed: Invalid Identifier Hash Provided" } as const;

const str = (max: number) => z.string({ error: "must be a string" }).max(max, `is too long (maximum is ${max} characters)`);
const attributes = z.record(z.string(), z.unknown(), { error: "must be an object" });
const identifier = z.union([str(255), z.number().transform(String)]);

const contactBody = z.object({
  source_id: str(255).nullable().optional(),
  identifier: identifier.nullable().optional(),
  identifier_hash: str(255).nullable().optional(),
  name: str(255).nullable().optional(),
  email: str(255).nullable().optional(),
  phone_number: str(32).nullable().optional(),
  avatar_url: str(2048).nullable().optional(),
  custom_attributes: attributes.optional(),
  additional_attributes: attributes.optional(),
});

const conversationBody = z.object({ custom_attributes: attributes.optional() });
const typingBody = z.object({ typing_status: z.enum(["on", "off"], { error: "must be on or off" }) });
const messageBody = z.object({
  content: str(MAX_CONTENT_LENGTH).nullable().optional(),
  echo_id: z.union([str(255), z.number().transform(String)]).optional(),
  attachments: z
    .array(z.instanceof(File, { error: "must be files (multipart/form-data)" }))
    .max(MAX_ATTACHMENTS, "exceeded maximum allowed")
    .optional(),
});
const submittedValue = z.object({ name: str(255).optional(), title: str(1000).optional(), value: str(10_000).optional() });
const messageUpdateBody = z.object({ submitted_values: z.array(submittedValue, { error: "must be an array" }).max(100, "too many values") });
const messagesQuery = z.object({ before: z.coerce.number({ error: "must be a message id" }).int().positive().optional() });

/**
 * Chatwoot's public client API, /public/api/v1/inboxes/{inbox_identifier}/…: a contact's own view of an
 * API-channel (or web widget) inbox. No token: the inbox identifier and the session's source_id are the
 * credentials, so every request is confined to that session's conversations; rate limits are per IP.
 */
export function publicApiRoutes(deps: AppDeps) {
  const limiters = createPublicLimiters(deps);
  const inboxOf = (c: Context<AppEnv>) => findPublicInbox(deps.db, c.req.param("inbox_identifier") ?? "");
  const sessionOf = (c: Context<AppEnv>): ContactSession => findSession(deps.db, inboxOf(c), c.req.param("contact_identifier") ?? "");
  /** With identity validation mandatory, only sessions that proved their identity may act. */
  const verifiedSession = (c: Context<AppEnv>): ContactSession | null => {
    const s = sessionOf(c);
    return s.channel.hmac_mandatory && !s.contactInbox.hmac_verified ? null : s;
  };
  const records = (s: ContactSession) => new Records(deps.db, s.inbox.account_id, deps.config.publicUrl);
  const conversationJson = (s: ContactSession, displayId: number) => {
    const conversation = getSessionConversation(deps.db, s, displayId);
    return publicConversationJson(records(s), conversation, chatMessages(deps.db, conversation));
  };

  const app = new Hono<AppEnv>();

  app.get("/:inbox_identifier", (c) => {
    const where = inboxOf(c);
    return c.json(publicInboxJson(where, workingHoursOf(deps.db, where.inbox.id)));
  });

  app.post("/:inbox_identifier/contacts", async (c) => {
    const where = inboxOf(c);
    const { identifier_hash, ...input } = await readBody(c, contactBody);
    const check = checkIdentifierHash(where.channel, input.identifier, identifier_hash);
    if (check === "failed") return c.json(HMAC_FAILED, 401);
    limitByIp(c, limiters, "contacts");
    const s = deps.tx((tx) => createSession(tx, where, input, check === "verified"));
    return c.json(publicContactJson(s));
  });

  app.get("/:inbox_identifier/contacts/:contact_identifier", (c) => {
    const s = sessionOf(c);
    const q = c.req.query();
    const check = checkIdentifierHash(s.channel, q.identifier ?? s.contact.identifier, q.identifier_hash);
    // A wrong hash always fails; with validation mandatory, a session that already proved its identity needs none.
    if (check === "failed" && !(s.contactInbox.hmac_verified && !q.identifier_hash)) return c.json(HMAC_FAILED, 401);
    return c.json(publicContactJson(s));
  });

  app.on(["PATCH", "PUT"], "/:inbox_identifier/contacts/:contact_identifier", async (c) => {
    const s = sessionOf(c);
    const { identifier_hash, source_id: _ignored, ...input } = await readBody(c, contactBody);
    const check = checkIdentifierHash(s.channel, input.identifier ?? s.contact.identifier, identifier_hash);
    if (check === "failed") return c.json(HMAC_FAILED, 401);
    limitByIp(c, limiters, "contacts");
    const updated = deps.tx((tx) => updateSessionContact(tx, findSession(tx.db, s, s.contactInbox.source_id), input, check === "verified"));
    return c.json(publicContactJson(updated));
  });

  const conv = "/:inbox_identifier/contacts/:contact_identifier/conversations";

  app.get(conv, (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const r = records(s);
    return c.json(listSessionConversations(deps.db, s).map((row) => publicConversationJson(r, row, chatMessages(deps.db, row))));
  });

  app.post(conv, async (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const input = await readBody(c, conversationBody);
    limitByIp(c, limiters, "conversations");
    const row = deps.tx((tx) => startConversation(tx, s, input));
    return c.json(conversationJson(s, row.display_id));
  });

  app.get(`${conv}/:conversation_id`, (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    return c.json(conversationJson(s, idParam(c, "conversation_id")));
  });

  app.post(`${conv}/:conversation_id/toggle_status`, (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const displayId = idParam(c, "conversation_id");
    deps.tx((tx) => resolveByContact(tx, s, getSessionConversation(tx.db, s, displayId)));
    return c.json(conversationJson(s, displayId));
  });

  app.post(`${conv}/:conversation_id/toggle_typing`, async (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const displayId = idParam(c, "conversation_id");
    const { typing_status } = await readBody(c, typingBody);
    deps.tx((tx) => contactTyping(tx, s, getSessionConversation(tx.db, s, displayId), typing_status === "on"));
    return c.body(null, 200);
  });

  app.post(`${conv}/:conversation_id/update_last_seen`, (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const displayId = idParam(c, "conversation_id");
    deps.tx((tx) => markSeenByContact(tx, getSessionConversation(tx.db, s, displayId)));
    return c.body(null, 200);
  });

  app.get(`${conv}/:conversation_id/messages`, (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const conversation = getSessionConversation(deps.db, s, idParam(c, "conversation_id"));
    const { before } = readQuery(c, messagesQuery);
    const rows = listMessages(deps.db, conversation, { before, filter_internal_messages: true });
    return c.json(publicMessagesJson(records(s), conversation, rows));
  });

  app.post(`${conv}/:conversation_id/messages`, async (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const displayId = idParam(c, "conversation_id");
    // The conversation is checked before anything is read or stored.
    getSessionConversation(deps.db, s, displayId);
    const { attachments = [], echo_id, ...input } = await readBody(c, messageBody);
    if (attachments.some((f) => f.size > deps.config.maxUploadBytes)) throw new HTTPException(413, { message: "Request body is too large" });
    limitByIp(c, limiters, "messages");
    const files = await storeUploads(deps.config.dataDir, attachments, deps.config.maxUploadBytes);
    let written;
    try {
      written = await deps.txGrouped((tx) => {
        const conversation = getSessionConversation(tx.db, s, displayId);
        return { conversation, message: postContactMessage(tx, s, conversation, { ...input, echo_id }, files) };
      });
    } catch (err) {
      await removeStored(deps.config.dataDir, files.map((f) => f.storage_key));
      throw err;
    }
    const [json] = publicMessagesJson(records(s), written.conversation, [written.message]);
    return c.json({ ...json, ...(echo_id ? { echo_id } : {}) });
  });

  app.on(["PATCH", "PUT"], `${conv}/:conversation_id/messages/:message_id`, async (c) => {
    const s = verifiedSession(c);
    if (!s) return c.json(HMAC_FAILED, 401);
    const displayId = idParam(c, "conversation_id");
    const messageId = idParam(c, "message_id");
    const { submitted_values } = await readBody(c, messageUpdateBody);
    const { conversation, message } = deps.tx((tx) => {
      const conversation = getSessionConversation(tx.db, s, displayId);
      return { conversation, message: submitMessageValues(tx, conversation, messageId, submitted_values) };
    });
    const [json] = publicMessagesJson(records(s), conversation, [message]);
    return c.json(json);
  });

  return app;
}

