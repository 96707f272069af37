import { eq } from "drizzle-orm";
import { messages, type MESSAGE_STATUSES } from "../../db/schema/conversations.ts";
import { channels } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import type { ChangedAttributes } from "../../events/types.ts";
import type { MessageRow } from "../../domain/conversations/records.ts";
import { findMessageBySource } from "./inbound.ts";
import type { SendResult } from "./types.ts";

type Status = (typeof MESSAGE_STATUSES)[number];

/** Longest provider error text kept on a message or a channel. */
const MAX_ERROR = 1000;

function write(tx: Tx, m: MessageRow, set: Partial<Pick<MessageRow, "status" | "source_id" | "content_attributes">>): MessageRow {
  const row = tx.db
    .update(messages)
    .set({ ...set, updated_at: tx.now })
    .where(eq(messages.id, m.id))
    .returning()
    .get();
  const changed: ChangedAttributes = {};
  for (const key of ["status", "source_id", "content_attributes"] as const) {
    if (key in set && JSON.stringify(m[key]) !== JSON.stringify(row[key])) changed[key] = { previous_value: m[key], current_value: row[key] };
  }
  if (Object.keys(changed).length) {
    tx.emit("message.updated", { account_id: m.account_id, conversation_id: m.conversation_id, message_id: m.id, changed_attributes: changed });
  }
  return row;
}

function current(tx: Tx, messageId: number): MessageRow | null {
  return tx.db.select().from(messages).where(eq(messages.id, messageId)).get() ?? null;
}

/** The provider accepted an outgoing message: its id goes to source_id (receipts find it by that), status sent. */
export function markMessageSent(tx: Tx, messageId: number, result: SendResult): MessageRow | null {
  const m = current(tx, messageId);
  if (!m) return null;
  const attrs = { ...m.content_attributes, ...result.content_attributes };
  delete attrs.external_error;
  return write(tx, m, {
    status: m.status === "progress" || m.status === "failed" ? "sent" : m.status,
    source_id: result.source_id ?? m.source_id,
    content_attributes: attrs,
  });
}

/** The provider refused the message (or every retry failed): status failed with the provider's text, shown to the agent. */
export function markMessageFailed(tx: Tx, messageId: number, error: string): MessageRow | null {
  const m = current(tx, messageId);
  if (!m) return null;
  return write(tx, m, { status: "failed", content_attributes: { ...m.content_attributes, external_error: error.slice(0, MAX_ERROR) } });
}

const RANK: Record<Status, number> = { progress: 0, sent: 1, delivered: 2, read: 3, failed: -1 };

/**
 * A provider delivery receipt for the message with that provider id in the inbox: delivered and read only move a
 * message forward (a late "delivered" after "read" changes nothing); failed applies unless the message was read.
 * Returns the message as it is now, or null when the inbox has no message with that id.
 */
export function applyDeliveryReceipt(
  tx: Tx,
  input: { inbox_id: number; source_id: string; status: "sent" | "delivered" | "read" | "failed"; error?: string | null },
): MessageRow | null {
  const m = findMessageBySource(tx.db, input.inbox_id, input.source_id);
  if (!m) return null;
  if (input.status === "failed") {
    if (m.status === "read" || m.status === "failed") return m;
    return write(tx, m, { status: "failed", content_attributes: { ...m.content_attributes, external_error: (input.error ?? "failed").slice(0, MAX_ERROR) } });
  }
  if (RANK[input.status] <= RANK[m.status] && m.status !== "failed") return m;
  if (m.status === "failed" && input.status === "sent") return m;
  const attrs = { ...m.content_attributes };
  delete attrs.external_error;
  return write(tx, m, { status: input.status, content_attributes: attrs });
}

export type ConnectionStatus = "connected" | "error" | "reauthorization_required";

/**
 * What a channel last learned about its provider connection (shown on the inbox settings page): a successful call
 * or a verified webhook → connected; an expired token → reauthorization_required; other failures → error.
 */
export function recordConnection(tx: Tx, channelId: number, status: ConnectionStatus, error: string | null = null): void {
  tx.db
    .update(channels)
    .set({ connection_status: status, connection_error: error ? error.slice(0, MAX_ERROR) : null, connection_checked_at: tx.now })
    .where(eq(channels.id, channelId))
    .run();
}
