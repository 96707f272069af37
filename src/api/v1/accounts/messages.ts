import { contactPushEventData } from "../../../domain/contacts/serialize.ts";
import { Hono } from "hono";
import { z } from "zod";
import { CONTENT_TYPES, MESSAGE_STATUSES } from "../../../db/schema/conversations.ts";
import type { AppEnv } from "../../../deps.ts";
import { removeStored, storeUploads } from "../../../domain/attachments/storage.ts";
import { userPushData } from "../../../domain/messages/push.ts";
import { createMessage, deleteMessage, MAX_ATTACHMENTS, MAX_CONTENT_LENGTH, performerOf, updateMessageStatus } from "../../../domain/messages/commands.ts";
import { listMessages } from "../../../domain/messages/queries.ts";
import { messagesJson } from "../../../domain/messages/serialize.ts";
import { labelList } from "../../../domain/conversations/serialize.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";
import { checkWhatsappOutgoing } from "../../../channels/whatsapp/window.ts";
import { bool, id, objectOrJson, pathConversation, recordsFor } from "./conversation-params.ts";

const EMAIL = /^[^@\s<>,;]+@[^@\s<>,;]+$/;
const emailList = z
  .string()
  .max(5000)
  .transform((v) => v.split(/[,;]/).map((a) => a.trim().toLowerCase()).filter(Boolean))
  .refine((list) => list.every((a) => EMAIL.test(a)), "must be email addresses separated by commas");

const createBody = z.object({
  content: z.string().max(MAX_CONTENT_LENGTH, `is too long (maximum is ${MAX_CONTENT_LENGTH} characters)`).nullable().optional(),
  message_type: z.enum(["incoming", "outgoing", "activity", "template"]).optional(),
  private: bool.optional(),
  content_type: z.enum(CONTENT_TYPES).optional(),
  content_attributes: objectOrJson.optional(),
  template_params: objectOrJson.optional(),
  source_id: z.string().max(255).nullable().optional(),
  echo_id: z.union([z.string().max(255), z.number().transform(String)]).optional(),
  // Email inboxes (Chatwoot's MessageBuilder#process_emails): comma-separated addresses, kept in content_attributes.
  cc_emails: emailList.optional(),
  bcc_emails: emailList.optional(),
  to_emails: emailList.optional(),
  attachments: z
    .array(z.instanceof(File, { error: "must be files (multipart/form-data)" }))
    .max(MAX_ATTACHMENTS, "exceeded maximum allowed")
    .optional(),
});

const pageQuery = z.object({ before: id.optional(), after: id.optional(), filter_internal_messages: bool.optional() });

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** /api/v1/accounts/:account_id/conversations/:conversation_id/messages */
export const messageRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const conversation = pathConversation(c);
    const rows = listMessages(c.var.deps.db, conversation, parseWith(pageQuery, c.req.query()));
    const records = recordsFor(c);
    const contact = records.contact(conversation.contact_id);
    const assignee = records.user(conversation.assignee_id);
    return c.json({
      meta: {
        labels: labelList(conversation),
        additional_attributes: conversation.additional_attributes,
        contact: contact ? contactPushEventData(contact) : null,
        ...(assignee ? { assignee: userPushData(assignee) } : {}),
        assignee_type: conversation.assignee_agent_bot_id != null ? "AgentBot" : conversation.assignee_id != null ? "User" : null,
        agent_last_seen_at: iso(conversation.agent_last_seen_at),
        assignee_last_seen_at: iso(conversation.assignee_last_seen_at),
      },
      payload: messagesJson(records, conversation, rows),
    });
  })
  .post("/", async (c) => {
    const { deps, scope } = c.var;
    const { attachments = [], echo_id, cc_emails, bcc_emails, to_emails, ...body } = await readBody(c, createBody);
    const emails = { ...(cc_emails ? { cc_emails } : {}), ...(bcc_emails ? { bcc_emails } : {}), ...(to_emails ? { to_emails } : {}) };
    const input = Object.keys(emails).length ? { ...body, content_attributes: { ...body.content_attributes, ...emails } } : body;
    // Uploads are checked against the conversation before they are stored.
    if (attachments.length) pathConversation(c);
    const files = await storeUploads(deps.config.dataDir, attachments, deps.config.maxUploadBytes);
    let written;
    try {
      written = await deps.txGrouped((tx) => {
        const conversation = pathConversation(c, tx.db);
        const checked = checkWhatsappOutgoing(tx.db, conversation, input, tx.now);
        return { conversation, message: createMessage(tx, scope, conversation, { ...checked, echo_id }, files) };
      });
    } catch (err) {
      await removeStored(deps.config.dataDir, files.map((f) => f.storage_key));
      throw err;
    }
    const { conversation, message } = written;
    // A message written without files has no attachments to look up.
    const known = files.length ? undefined : new Map();
    return c.json(messagesJson(recordsFor(c), conversation, [message], new Map([[message.id, { echo_id }]]), known)[0]);
  })
  .on(["PATCH", "PUT"], "/:message_id", async (c) => {
    const messageId = idParam(c, "message_id");
    const body = await readBody(c, z.object({ status: z.enum(MESSAGE_STATUSES), external_error: z.string().max(10_000).nullable().optional() }));
    const message = c.var.deps.tx((tx) => updateMessageStatus(tx, pathConversation(c, tx.db), messageId, body, performerOf(c.var.scope)));
    return c.json(messagesJson(recordsFor(c), pathConversation(c), [message])[0]);
  })
  .delete("/:message_id", async (c) => {
    const messageId = idParam(c, "message_id");
    const { message, removedKeys } = c.var.deps.tx((tx) => deleteMessage(tx, pathConversation(c, tx.db), messageId, performerOf(c.var.scope)));
    await removeStored(c.var.deps.config.dataDir, removedKeys);
    return c.json(messagesJson(recordsFor(c), pathConversation(c), [message])[0]);
  });
