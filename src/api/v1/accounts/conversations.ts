import { Hono } from "hono";
import { z } from "zod";
import { CONVERSATION_STATUSES, CONTENT_TYPES, PRIORITIES } from "../../../db/schema/conversations.ts";
import type { AppEnv } from "../../../deps.ts";
import { removeStored } from "../../../domain/attachments/storage.ts";
import {
  createConversation,
  deleteConversation,
  markUnread,
  setCustomAttributes,
  setMuted,
  toggleTyping,
  setPriority,
  toggleStatus,
  updateConversation,
  updateLastSeen,
} from "../../../domain/conversations/commands.ts";
import { conversationMeta, filterConversations, listConversations, SORTS, type SortKey } from "../../../domain/conversations/queries.ts";
import { conversationJson, conversationsJson, labelList } from "../../../domain/conversations/serialize.ts";
import { compileFilter } from "../../../domain/filters/engine.ts";
import { listConversationAttachments } from "../../../domain/attachments/queries.ts";
import { attachmentPushData } from "../../../domain/attachments/serialize.ts";
import { senderPushData } from "../../../domain/messages/push.ts";
import { setConversationLabels } from "../../../domain/labels/commands.ts";
import { limitTranscripts, sendConversationTranscript } from "../../../domain/conversations/transcript.ts";
import { clientIp } from "../../../web/session.ts";
import { parseWith, readBody } from "../../validate.ts";
import { assignmentRoutes } from "./assignments.ts";
import { bool, id, jsonObject, nullableId, objectOrJson, pathConversation, recordsFor, timestamp } from "./conversation-params.ts";
import { messageRoutes } from "./messages.ts";
import { participantRoutes } from "./participants.ts";
import { filterResourceFor } from "../../../domain/custom-attributes/filtering.ts";
import { setConversationSlaPolicy } from "../../../domain/sla/engine.ts";

const page = z.coerce.number({ error: "must be a positive integer" }).int("must be a positive integer").min(1, "must be a positive integer").max(1_000_000);
const listQuery = z.object({
  assignee_type: z.enum(["me", "unassigned", "assigned", "all"]).optional(),
  status: z.enum([...CONVERSATION_STATUSES, "all"]).optional(),
  inbox_id: id.optional(),
  team_id: id.optional(),
  labels: z.array(z.string().max(255)).max(100).optional(),
  q: z.string().max(1000).optional(),
  page: page.optional(),
  sort_by: z.enum(Object.keys(SORTS) as [SortKey, ...SortKey[]]).optional(),
  conversation_type: z.enum(["mention", "participating", "unattended"]).optional(),
  source_id: z.string().max(255).optional(),
});

const messageInput = z.object({
  content: z.string().nullable().optional(),
  message_type: z.enum(["incoming", "outgoing", "activity", "template"]).optional(),
  private: bool.optional(),
  content_type: z.enum(CONTENT_TYPES).optional(),
  content_attributes: objectOrJson.optional(),
  template_params: objectOrJson.optional(),
});

const createBody = z.object({
  source_id: z.union([z.string().min(1).max(255), z.number().transform(String)]).optional(),
  inbox_id: id.optional(),
  contact_id: id.optional(),
  additional_attributes: jsonObject.optional(),
  custom_attributes: jsonObject.optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  assignee_id: nullableId.optional(),
  team_id: nullableId.optional(),
  snoozed_until: timestamp.nullable().optional(),
  message: messageInput.optional(),
});

const priority = z.enum([...PRIORITIES, "none"]).nullable();

/** Chatwoot's query strings carry arrays as labels[]=a&labels[]=b (or a single labels=a). */
function listParams(c: Parameters<typeof pathConversation>[0]) {
  const labels = c.req.queries("labels[]") ?? c.req.queries("labels");
  return parseWith(listQuery, { ...c.req.query(), labels });
}

/** /api/v1/accounts/:account_id/conversations */
export const conversationRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { rows, counts } = listConversations(c.var.deps.db, c.var.scope, listParams(c));
    return c.json({ data: { meta: counts, payload: conversationsJson(recordsFor(c), rows, c.var.scope.userId) } });
  })
  .get("/meta", (c) => c.json({ data: { meta: conversationMeta(c.var.deps.db, c.var.scope, listParams(c)) } }))
  .post("/filter", async (c) => {
    const body = await readBody(c, z.object({ payload: z.unknown() }));
    const pageNo = parseWith(z.object({ page: page.optional() }), c.req.query()).page ?? 1;
    const where = compileFilter(filterResourceFor(c.var.deps.db, c.var.scope.account.id, "conversation"), body.payload, { now: c.var.deps.clock.now() });
    const { rows, counts } = filterConversations(c.var.deps.db, c.var.scope, where, pageNo);
    return c.json({ meta: counts, payload: conversationsJson(recordsFor(c), rows, c.var.scope.userId) });
  })
  .post("/", async (c) => {
    const body = await readBody(c, createBody);
    const row = c.var.deps.tx((tx) => createConversation(tx, c.var.scope, body));
    return c.json(conversationJson(recordsFor(c), row, c.var.scope.userId));
  })
  .get("/:conversation_id", (c) => c.json(conversationJson(recordsFor(c), pathConversation(c), c.var.scope.userId)))
  .on(["PATCH", "PUT"], "/:conversation_id", async (c) => {
    const body = await readBody(c, z.object({ priority: priority.optional(), sla_policy_id: z.unknown().optional() }));
    const row = c.var.deps.tx((tx) => {
      const updated = updateConversation(tx, c.var.scope, pathConversation(c, tx.db), body);
      return body.sla_policy_id !== undefined ? setConversationSlaPolicy(tx, c.var.scope, updated, body.sla_policy_id) : updated;
    });
    return c.json(conversationJson(recordsFor(c), row, c.var.scope.userId));
  })
  .delete("/:conversation_id", async (c) => {
    const keys = c.var.deps.tx((tx) => deleteConversation(tx, c.var.scope, pathConversation(c, tx.db)));
    await removeStored(c.var.deps.config.dataDir, keys);
    return c.body(null, 200);
  })
  .post("/:conversation_id/toggle_status", async (c) => {
    const body = await readBody(c, z.object({ status: z.enum(CONVERSATION_STATUSES).optional(), snoozed_until: timestamp.nullable().optional() }));
    const row = c.var.deps.tx((tx) => toggleStatus(tx, c.var.scope, pathConversation(c, tx.db), body));
    return c.json({
      meta: {},
      payload: { success: true, conversation_id: row.display_id, current_status: row.status, snoozed_until: row.snoozed_until == null ? null : new Date(row.snoozed_until).toISOString() },
    });
  })
  .post("/:conversation_id/toggle_priority", async (c) => {
    const body = await readBody(c, z.object({ priority }));
    c.var.deps.tx((tx) => setPriority(tx, c.var.scope, pathConversation(c, tx.db), body.priority));
    return c.body(null, 200);
  })
  .post("/:conversation_id/custom_attributes", async (c) => {
    const body = await readBody(c, z.object({ custom_attributes: jsonObject }));
    const row = c.var.deps.tx((tx) => setCustomAttributes(tx, c.var.scope, pathConversation(c, tx.db), body.custom_attributes));
    return c.json({ custom_attributes: row.custom_attributes });
  })
  .post("/:conversation_id/update_last_seen", (c) => {
    const row = c.var.deps.tx((tx) => updateLastSeen(tx, c.var.scope, pathConversation(c, tx.db)));
    return c.json(conversationJson(recordsFor(c), row, c.var.scope.userId));
  })
  .post("/:conversation_id/unread", (c) => {
    const row = c.var.deps.tx((tx) => markUnread(tx, pathConversation(c, tx.db)));
    return c.json(conversationJson(recordsFor(c), row, c.var.scope.userId));
  })
  .post("/:conversation_id/mute", (c) => {
    c.var.deps.tx((tx) => setMuted(tx, c.var.scope, pathConversation(c, tx.db), true));
    return c.body(null, 200);
  })
  .post("/:conversation_id/unmute", (c) => {
    c.var.deps.tx((tx) => setMuted(tx, c.var.scope, pathConversation(c, tx.db), false));
    return c.body(null, 200);
  })
  .post("/:conversation_id/toggle_typing_status", async (c) => {
    const body = await readBody(c, z.object({ typing_status: z.enum(["on", "off", "recording"]), is_private: bool.optional() }));
    c.var.deps.tx((tx) => toggleTyping(tx, c.var.scope, pathConversation(c, tx.db), body.typing_status !== "off", body.is_private ?? false));
    return c.body(null, 200);
  })
  .get("/:conversation_id/attachments", (c) => {
    const conversation = pathConversation(c);
    const pageNo = parseWith(z.object({ page: page.optional() }), c.req.query()).page ?? 1;
    const { rows, total } = listConversationAttachments(c.var.deps.db, conversation.id, conversation.account_id, pageNo);
    const records = recordsFor(c);
    const payload = rows.map(({ attachment, message }) => {
      const sender = senderPushData(records, message);
      return { ...attachmentPushData(attachment, records.publicUrl), created_at: Math.floor(message.created_at / 1000), ...(sender ? { sender } : {}) };
    });
    return c.json({ meta: { total_count: total }, payload });
  })
  // Chatwoot's transcript: the conversation's public messages mailed to `email` (src/domain/conversations/transcript.ts).
  .post("/:conversation_id/transcript", async (c) => {
    const body = await readBody(c, z.object({ email: z.string({ error: "must be a string" }).max(255, "is too long (maximum is 255 characters)").nullable().optional() }));
    const { deps, scope } = c.var;
    const ip = clientIp(c);
    deps.tx((tx) => {
      const conversation = pathConversation(c, tx.db);
      sendConversationTranscript(tx, scope, conversation, body.email, deps.config.publicUrl, () => limitTranscripts(deps, conversation.contact_id, ip));
    });
    return c.body(null, 200);
  })
  .get("/:conversation_id/labels", (c) => c.json({ payload: labelList(pathConversation(c)) }))
  .post("/:conversation_id/labels", async (c) => {
    const body = await readBody(c, z.object({ labels: z.array(z.string().max(255)).max(100) }));
    const labels = c.var.deps.tx((tx) => setConversationLabels(tx, c.var.scope, pathConversation(c, tx.db), body.labels));
    return c.json({ payload: labels });
  })
  .route("/:conversation_id/messages", messageRoutes)
  .route("/:conversation_id/assignments", assignmentRoutes)
  .route("/:conversation_id/participants", participantRoutes);
