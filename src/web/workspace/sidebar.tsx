/** @jsxImportSource hono/jsx */
// The right pane of the workspace: contact card and conversation actions. Actions call the same domain functions
// as the conversations API (assignments, team, priority, labels, participants, custom attributes); each answers an
// htmx request with its re-rendered section and a plain form post with a redirect back to the conversation.
import { Hono } from "hono";
import { csatSummary } from "../../domain/csat/queries.ts";
import { z } from "zod";
import type { Tx } from "../../db/tx.ts";
import type { AppEnv } from "../../deps.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { contactConversations } from "../../domain/contacts/queries.ts";
import { addParticipants, assignConversation, removeParticipants, setCustomAttributes, setPriority } from "../../domain/conversations/commands.ts";
import { getVisibleConversation, participantIds } from "../../domain/conversations/queries.ts";
import { Records, type ConversationRow } from "../../domain/conversations/records.ts";
import { conversationsJson, labelList } from "../../domain/conversations/serialize.ts";
import { Validation } from "../../domain/errors.ts";
import { listAssignableAgents } from "../../domain/inbox-members/queries.ts";
import { setConversationLabels } from "../../domain/labels/commands.ts";
import { listLabels } from "../../domain/labels/queries.ts";
import { listTeams } from "../../domain/teams/queries.ts";
import { availableName } from "../../domain/users/serialize.ts";
import { isContactOnline, onlineUserIds } from "../../realtime/presence.ts";
import { SECTION_VIEWS, SIDEBAR_SECTIONS, SidebarContent, type Person, type SidebarData, type SidebarSectionKey } from "../../../views/pages/conversations/sidebar/sidebar.tsx";
import { currentSessionId, currentUser, fragment, isHtmx, type WebContext } from "../context.ts";
import { readForm } from "../forms.ts";
import { typedAttributesOf } from "../settings/custom-attributes.tsx";

function scopeOf(c: WebContext): AccountScope {
  return resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, c.var.membership.account_id);
}

const displayIdOf = (c: WebContext) => {
  const raw = c.req.param("displayId") ?? "";
  return /^\d{1,12}$/.test(raw) ? Number(raw) : 0;
};

const SOCIAL_URLS: Record<string, string> = {
  github: "https://github.com/",
  twitter: "https://twitter.com/",
  facebook: "https://facebook.com/",
  linkedin: "https://www.linkedin.com/in/",
  instagram: "https://instagram.com/",
  telegram: "https://t.me/",
};

/** A JSON value as one line of text for display. */
function show(v: unknown): string {
  if (v == null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map(show).join(", ");
  if (typeof v === "object")
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x != null && x !== "")
      .map(([k, x]) => `${k.replace(/_/g, " ")}: ${show(x)}`)
      .join(", ");
  return String(v);
}
function pairs(obj: Record<string, unknown> | null | undefined, skip: string[] = []): [string, string][] {
  return Object.entries(obj ?? {})
    .filter(([k, v]) => !skip.includes(k) && v != null && v !== "")
    .map(([k, v]) => [k, show(v)]);
}

/** Everything the sidebar shows for one conversation the viewer may see. */
function sidebarData(c: WebContext, scope: AccountScope, conv: ConversationRow): SidebarData {
  const db = c.var.deps.db;
  const accountId = scope.account.id;
  const records = new Records(db, accountId, c.var.deps.config.publicUrl);
  const contact = records.contact(conv.contact_id);
  const online = new Set(onlineUserIds(db, accountId));
  let agents: Person[] = [];
  try {
    agents = listAssignableAgents(db, scope, [conv.inbox_id]).map((a) => ({ id: a.user.id, name: availableName(a.user), online: online.has(a.user.id) }));
  } catch {
    agents = [];
  }
  const byId = new Map(agents.map((a) => [a.id, a]));
  const participantList = participantIds(db, conv.id);
  records.loadUsers([...participantList, conv.assignee_id]);
  const participants: Person[] = participantList.map((id) => byId.get(id) ?? { id, name: (records.user(id) && availableName(records.user(id)!.user)) || "Former agent", online: online.has(id) });
  const taken = new Set(participantList);
  const labels = listLabels(db, accountId);
  const colors = new Map(labels.map((l) => [l.title, l.color]));
  const previous = contact ? contactConversations(db, scope, contact.id).filter((p) => p.id !== conv.id) : [];
  records.loadInboxes([conv.inbox_id, ...previous.map((p) => p.inbox_id)]);
  const add = (contact?.additional_attributes ?? {}) as Record<string, unknown>;
  const socials = Object.entries((add.social_profiles ?? {}) as Record<string, unknown>)
    .filter(([, v]) => typeof v === "string" && v.trim())
    .map(([network, v]) => {
      const handle = String(v).trim();
      const prefix = SOCIAL_URLS[network];
      const url = /^https?:\/\//i.test(handle) ? handle : prefix ? prefix + encodeURIComponent(handle.replace(/^@/, "")) : null;
      return { network, handle, url };
    });
  const location = contact?.location || [add.city, add.country].filter((x) => typeof x === "string" && x).join(", ") || null;
  const assigneeUser = conv.assignee_id != null ? records.user(conv.assignee_id) : null;
  const defined = typedAttributesOf(db, accountId, "conversation_attribute", conv.custom_attributes);
  return {
    accountId,
    displayId: conv.display_id,
    csrf: c.get("csrfToken") ?? "",
    now: c.var.deps.clock.now(),
    viewerId: scope.userId ?? 0,
    contact: contact
      ? {
          id: contact.id,
          name: contact.name ?? "",
          email: contact.email,
          phone: contact.phone_number,
          company: typeof add.company_name === "string" && add.company_name ? add.company_name : null,
          location,
          avatarUrl: contact.avatar_url,
          socials,
          customAttributes: pairs(contact.custom_attributes),
          online: isContactOnline(db, contact.id),
        }
      : null,
    assigneeId: conv.assignee_id,
    assigneeName: assigneeUser ? availableName(assigneeUser.user) : null,
    agents,
    teamId: conv.team_id,
    teams: listTeams(db, scope).map((t) => ({ id: t.team.id, name: t.team.name })),
    priority: conv.priority == null ? null : (["low", "medium", "high", "urgent"][conv.priority] ?? null),
    labels: labelList(conv).map((title) => ({ title, color: colors.get(title) ?? null })),
    availableLabels: labels.map((l) => l.title),
    participants,
    participantCandidates: agents.filter((a) => !taken.has(a.id)),
    customAttributes: pairs(conv.custom_attributes, [...defined.definedKeys]),
    typedAttributes: defined.typed,
    additionalAttributes: pairs(conv.additional_attributes),
    previous: previousViews(records, previous, scope.userId),
    info: { createdAt: conv.created_at, inboxName: records.inbox(conv.inbox_id)?.inbox.name ?? "", status: conv.status, csat: csatSummary(db, conv.account_id, conv.id) },
  };
}

/** Previous conversations with their last message (as the conversation list shows it). */
function previousViews(records: Records, rows: ConversationRow[], viewerId: number | null): SidebarData["previous"] {
  if (!rows.length) return [];
  const json = conversationsJson(records, rows, viewerId);
  return rows.map((p, i) => {
    const last = json[i]?.last_non_activity_message as { content?: string | null } | null | undefined;
    const text = typeof last?.content === "string" ? last.content.replace(/\s+/g, " ").trim() : "";
    return { displayId: p.display_id, status: p.status, inboxName: records.inbox(p.inbox_id)?.inbox.name ?? "", lastActivityAt: p.last_activity_at, snippet: text ? text.slice(0, 140) : null };
  });
}

/** The right pane: contact and conversation details of the open conversation (empty when id is null). */
export function sidebarPane(c: WebContext, conversationId: number | null) {
  if (conversationId == null) return <aside id="sidebar-pane" class="sidebar-pane" aria-label="Conversation details" data-conversation-id=""></aside>;
  const scope = scopeOf(c);
  const conv = getVisibleConversation(c.var.deps.db, scope, conversationId);
  return (
    <aside id="sidebar-pane" class="sidebar-pane" aria-label="Conversation details" data-conversation-id={String(conversationId)}>
      <SidebarContent d={sidebarData(c, scope, conv)} />
    </aside>
  );
}

const conversationPath = (c: WebContext, displayId: number) => `/app/accounts/${c.var.membership.account_id}/conversations/${displayId}`;

/**
 * Runs one sidebar action against the visible conversation, then answers with the section (htmx) or a redirect
 * (plain form). A refused action is a 422 showing the reason in the section.
 */
async function act(c: WebContext, section: SidebarSectionKey, run: () => void) {
  const scope = scopeOf(c);
  const displayId = displayIdOf(c);
  getVisibleConversation(c.var.deps.db, scope, displayId);
  let error: SidebarData["error"];
  try {
    run();
  } catch (err) {
    if (!(err instanceof Validation)) throw err;
    error = { section, message: err.errors.map((e) => `${e.field.replace(/_/g, " ")}: ${e.message}`).join("; ") };
  }
  if (!isHtmx(c) && !error) return c.redirect(conversationPath(c, displayId), 303);
  const conv = getVisibleConversation(c.var.deps.db, scope, displayId);
  const d = { ...sidebarData(c, scope, conv), error };
  return c.html(String(SECTION_VIEWS[section]({ d })), error ? 422 : 200, { "Cache-Control": "no-store" });
}

const idField = z.string({ error: "must be an id" }).regex(/^\d{1,12}$/, "must be an id").transform(Number);
const optionalId = z.union([z.literal("").transform(() => null), idField], { error: "must be an id or empty" });
const forms = {
  assignee: z.object({ assignee_id: optionalId.optional(), assign_self: z.string().optional() }),
  team: z.object({ team_id: optionalId }),
  priority: z.object({ priority: z.enum(["none", "low", "medium", "high", "urgent"], { error: "must be none, low, medium, high or urgent" }) }),
  label: z.object({ label: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(255) }),
  user: z.object({ user_id: idField }),
  attribute: z.object({
    key: z
      .string({ error: "can't be blank" })
      .trim()
      .min(1, "can't be blank")
      .max(100, "is too long (maximum is 100 characters)")
      .regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, _ . and -"),
    value: z.string().max(1000, "is too long (maximum is 1000 characters)").default(""),
  }),
  attributeKey: z.object({ key: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(100) }),
};

/** Reads the form inside the action, so bad input is shown in the section like a refused action. */
function action<S extends z.ZodType>(section: SidebarSectionKey, schema: S, run: (tx: Tx, scope: AccountScope, conv: ConversationRow, input: z.infer<S>) => void) {
  return async (c: WebContext) => {
    let input: z.infer<S> | undefined;
    let formError: unknown = null;
    try {
      input = await readForm(c, schema);
    } catch (err) {
      formError = err;
    }
    return act(c, section, () => {
      if (formError) throw formError;
      c.var.deps.tx((tx) => {
        const scope = scopeOf(c);
        const conv = getVisibleConversation(tx.db, scope, displayIdOf(c));
        run(tx, scope, conv, input as z.infer<S>);
      });
    });
  };
}

export const sidebarRoutes = new Hono<AppEnv>()
  .get("/conversations/:displayId/sidebar", (c) => fragment(c, sidebarPane(c, displayIdOf(c))))
  .get("/conversations/:displayId/sidebar/:section", (c) => {
    const section = c.req.param("section") as SidebarSectionKey;
    if (!(SIDEBAR_SECTIONS as readonly string[]).includes(section)) return c.notFound();
    const scope = scopeOf(c);
    const conv = getVisibleConversation(c.var.deps.db, scope, displayIdOf(c));
    return fragment(c, SECTION_VIEWS[section]({ d: sidebarData(c, scope, conv) }));
  })
  .post(
    "/conversations/:displayId/sidebar/assignee",
    action("actions", forms.assignee, (tx, scope, conv, input) => {
      const assignee = input.assign_self ? scope.userId : (input.assignee_id ?? null);
      assignConversation(tx, scope, conv, { assignee_id: assignee });
    }),
  )
  .post(
    "/conversations/:displayId/sidebar/team",
    action("actions", forms.team, (tx, scope, conv, input) => void assignConversation(tx, scope, conv, { team_id: input.team_id })),
  )
  .post(
    "/conversations/:displayId/sidebar/priority",
    action("actions", forms.priority, (tx, scope, conv, input) => void setPriority(tx, scope, conv, input.priority)),
  )
  .post(
    "/conversations/:displayId/sidebar/labels",
    action("labels", forms.label, (tx, scope, conv, input) => {
      if (!listLabels(tx.db, scope.account.id).some((l) => l.title === input.label)) throw Validation.field("label", "is not a label of this account");
      setConversationLabels(tx, scope, conv, [...labelList(conv), input.label]);
    }),
  )
  .post(
    "/conversations/:displayId/sidebar/labels/remove",
    action("labels", forms.label, (tx, scope, conv, input) => void setConversationLabels(tx, scope, conv, labelList(conv).filter((l) => l !== input.label))),
  )
  .post(
    "/conversations/:displayId/sidebar/participants",
    action("participants", forms.user, (tx, _scope, conv, input) => void addParticipants(tx, conv, [input.user_id])),
  )
  .post(
    "/conversations/:displayId/sidebar/participants/remove",
    action("participants", forms.user, (tx, _scope, conv, input) => removeParticipants(tx, conv, [input.user_id])),
  )
  .post(
    "/conversations/:displayId/sidebar/custom-attributes",
    action("attributes", forms.attribute, (tx, scope, conv, input) => void setCustomAttributes(tx, scope, conv, { ...conv.custom_attributes, [input.key]: input.value })),
  )
  .post(
    "/conversations/:displayId/sidebar/custom-attributes/remove",
    action("attributes", forms.attributeKey, (tx, scope, conv, input) => {
      const next = { ...conv.custom_attributes };
      delete next[input.key];
      void setCustomAttributes(tx, scope, conv, next);
    }),
  );
