import { eq } from "drizzle-orm";
import { conversations } from "../../db/schema/conversations.ts";
import type { Tx } from "../../db/tx.ts";
import { enqueue } from "../../jobs/queue.ts";

export const SNOOZE_REOPEN_JOB = "conversation.reopen_snoozed";

/**
 * When a conversation is snoozed until a time, a durable job is due at that time to reopen it
 * (reopenSnoozed in commands.ts, which does nothing if the snooze changed meanwhile). One job per
 * conversation and snooze time.
 */
export function scheduleSnoozeReopen(tx: Tx, conversationId: number): void {
  const c = tx.db
    .select({ id: conversations.id, status: conversations.status, until: conversations.snoozed_until })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get();
  if (!c || c.status !== "snoozed" || c.until == null) return;
  enqueue(tx, {
    kind: SNOOZE_REOPEN_JOB,
    payload: { conversation_id: c.id, snoozed_until: c.until },
    delayMs: Math.max(0, c.until - tx.now),
    idempotencyKey: `${SNOOZE_REOPEN_JOB}:${c.id}:${c.until}`,
    maxAttempts: 5,
  });
}
