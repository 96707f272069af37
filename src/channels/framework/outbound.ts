import { readFile } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import { preparedFor } from "../../db/prepared.ts";
import { conversationInboxId } from "../../domain/conversations/records.ts";
import { inboxChannelType } from "../inbox-channel.ts";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import { users } from "../../db/schema/accounts.ts";
import { contact_inboxes, contacts } from "../../db/schema/contacts.ts";
import { attachments, conversations, messages } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { storagePath } from "../../domain/attachments/storage.ts";
import { attachmentUrl } from "../../domain/attachments/serialize.ts";
import { RetryLater } from "../../jobs/errors.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { JobHandler } from "../../jobs/runner.ts";
import { channelKindOf } from "../registry.ts";
import { ChannelSendError } from "./provider.ts";
import { markMessageFailed, markMessageSent } from "./status.ts";
import type { SendContext } from "./types.ts";

/** The durable job that hands one outgoing message to its channel's sender. */
export const CHANNEL_SEND_JOB = "channel.send";
/** Attempts before a message that keeps failing transiently is marked failed (about 4 minutes of backoff). */
export const CHANNEL_SEND_ATTEMPTS = 8;

const messageForSend = preparedFor((db) =>
  db.$client.prepare<{ message_type: number; private: number; source_id: string | null }, [number]>(
    "SELECT message_type, private, source_id FROM messages WHERE id = ?1",
  ),
);

/**
 * message.created (durable): an agent's or bot's public outgoing message, or a template message (greeting, CSAT…), in
 * an inbox whose kind has a sender gets a channel.send job in the same transaction, one conversation's messages in
 * order. Messages that already carry a provider id (echoes of messages sent elsewhere) are not sent again.
 */
export function enqueueChannelSend(tx: Tx, e: { account_id: number; conversation_id: number; message_id: number }): void {
  // Most messages are in inboxes without a sender (API, website): decided from the read cache, without a query.
  const inboxId = conversationInboxId(tx.db, e.account_id, e.conversation_id);
  const channelType = inboxId == null ? null : inboxChannelType(tx.db, inboxId);
  if (!channelType || !channelKindOf(channelType)?.sender) return;
  const m = messageForSend(tx.db).get(e.message_id);
  if (!m || m.private || (m.message_type !== 1 && m.message_type !== 3) || m.source_id) return;
  enqueue(tx, {
    kind: CHANNEL_SEND_JOB,
    payload: { message_id: e.message_id },
    orderingKey: `channel.send:${e.conversation_id}`,
    idempotencyKey: `channel.send:${e.message_id}`,
    maxAttempts: CHANNEL_SEND_ATTEMPTS,
  });
}

/** Everything a sender needs about one message, or null when it (or its inbox) is gone. */
export function loadSendContext(deps: AppDeps, messageId: number, attempt = 1, lastAttempt = false): SendContext | null {
  const { db } = deps;
  const message = db.select().from(messages).where(eq(messages.id, messageId)).get();
  if (!message) return null;
  const conversation = db.select().from(conversations).where(eq(conversations.id, message.conversation_id)).get();
  const inbox = db.select().from(inboxes).where(eq(inboxes.id, message.inbox_id)).get();
  if (!conversation || !inbox) return null;
  const channel = db.select().from(channels).where(eq(channels.id, inbox.channel_id)).get();
  const contact = db.select().from(contacts).where(eq(contacts.id, conversation.contact_id)).get();
  if (!channel || !contact) return null;
  const contactInbox = conversation.contact_inbox_id
    ? (db.select().from(contact_inboxes).where(eq(contact_inboxes.id, conversation.contact_inbox_id)).get() ?? null)
    : null;
  const rows = db.select().from(attachments).where(eq(attachments.message_id, message.id)).orderBy(attachments.id).all();
  const replyId = Number(message.content_attributes.in_reply_to);
  const replyTo = Number.isInteger(replyId) && replyId > 0
    ? (db.select().from(messages).where(and(eq(messages.id, replyId), eq(messages.conversation_id, conversation.id))).get() ?? null)
    : null;
  let sender: SendContext["sender"] = null;
  if (message.sender_type === "User" && message.sender_id != null) {
    const u = db.select({ name: users.name, display_name: users.display_name, email: users.email }).from(users).where(eq(users.id, message.sender_id)).get();
    if (u) sender = { type: "User", id: message.sender_id, name: u.display_name?.trim() || u.name, email: u.email };
  } else if (message.sender_type === "AgentBot" && message.sender_id != null) {
    const b = db.select({ name: agent_bots.name }).from(agent_bots).where(eq(agent_bots.id, message.sender_id)).get();
    if (b) sender = { type: "AgentBot", id: message.sender_id, name: b.name, email: null };
  }
  return {
    deps,
    inbox,
    channel,
    conversation,
    contact,
    contactInbox,
    message,
    attachments: rows.map((row) => ({
      row,
      url: row.storage_key ? attachmentUrl(deps.config.publicUrl, row) : row.external_url,
      read: async () => (row.storage_key ? new Uint8Array(await readFile(storagePath(deps.config.dataDir, row.storage_key))) : null),
    })),
    replyTo,
    sender,
    attempt,
    lastAttempt,
  };
}

/**
 * The channel.send job: calls the inbox kind's sender. Success stores the provider's id (source_id); a permanent
 * provider error, or a transient one on the last attempt, marks the message failed with the provider's text
 * (message.updated tells the agent's screen); other transient errors are retried with backoff.
 */
export function channelSendHandler(deps: AppDeps): JobHandler {
  return async (payload: { message_id: number }, ctx) => {
    const lastAttempt = ctx.attempt >= ctx.job.max_attempts;
    const send = loadSendContext(deps, payload.message_id, ctx.attempt, lastAttempt);
    if (!send) return;
    const { message } = send;
    // Already handed over (a job run again after a crash), failed for good, or deleted meanwhile.
    if (message.source_id || message.status === "failed" || message.content_attributes.deleted) return;
    const sender = channelKindOf(send.channel.channel_type)?.sender;
    if (!sender) return;
    let result;
    try {
      result = await sender(send);
    } catch (err) {
      const e = err instanceof ChannelSendError ? err : new ChannelSendError((err as Error)?.message ?? String(err), false);
      if (e.permanent || lastAttempt) {
        deps.log.warn("channel send failed", { message_id: message.id, channel: send.channel.channel_type, error: e.message });
        deps.tx((tx) => markMessageFailed(tx, message.id, e.message));
        return;
      }
      if (e.retryAfterMs != null) throw new RetryLater(e.message, e.retryAfterMs);
      throw e;
    }
    deps.tx((tx) => markMessageSent(tx, message.id, result));
  };
}
