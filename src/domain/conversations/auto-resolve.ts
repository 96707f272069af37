import { and, asc, eq, isNotNull, isNull, lt } from "drizzle-orm";
import { accounts } from "../../db/schema/accounts.ts";
import { conversations } from "../../db/schema/conversations.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { addActivityMessage, addMessage } from "../messages/commands.ts";
import type { AccountRow } from "../accounts/queries.ts";
import { changeConversation } from "./changes.ts";

/**
 * Auto-resolve (the account's `auto_resolve_duration`, in minutes, as Chatwoot's auto_resolve_after): open
 * conversations without activity for that long are resolved by the system. With the account setting
 * `auto_resolve_ignore_waiting`, conversations whose customer waits for an answer stay open; with
 * `auto_resolve_message`, that text is sent to the customer first (a template message, as Chatwoot's
 * AutoResolve template). A periodic task (src/jobs/schedule.ts) runs it; each batch is one transaction.
 */

/** Conversations resolved per transaction, and the most one account gets per run (Chatwoot caps a run too). */
export const AUTO_RESOLVE_BATCH = 100;
export const AUTO_RESOLVE_MAX_PER_RUN = 1000;
export const AUTO_RESOLVE_EVERY_MS = 5 * 60_000;

/** "3 days", "2 hours", "90 minutes": the idle time in the largest whole unit. */
export function inactivityText(minutes: number): string {
  const [count, unit] = minutes % 1440 === 0 ? [minutes / 1440, "day"] : minutes % 60 === 0 ? [minutes / 60, "hour"] : [minutes, "minute"];
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

export function autoResolveActivity(minutes: number): string {
  return `Conversation was resolved automatically after ${inactivityText(minutes)} of inactivity`;
}

/** One batch for one account; returns how many conversations were resolved. */
export function resolveIdleConversations(tx: Tx, account: Pick<AccountRow, "id" | "auto_resolve_duration" | "settings">, limit = AUTO_RESOLVE_BATCH): number {
  const minutes = account.auto_resolve_duration;
  if (!minutes || minutes <= 0) return 0;
  const settings = account.settings as Record<string, unknown>;
  const ignoreWaiting = settings.auto_resolve_ignore_waiting === true || settings.auto_resolve_ignore_waiting === "true";
  const message = typeof settings.auto_resolve_message === "string" ? settings.auto_resolve_message.trim() : "";
  const cutoff = tx.now - minutes * 60_000;
  const idle = tx.db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.account_id, account.id),
        eq(conversations.status, "open"),
        lt(conversations.last_activity_at, cutoff),
        ignoreWaiting ? isNull(conversations.waiting_since) : undefined,
      ),
    )
    .orderBy(asc(conversations.last_activity_at), asc(conversations.id))
    .limit(limit)
    .all();
  for (const found of idle) {
    let current = found;
    if (message) {
      addMessage(tx, null, current, { message_type: 3, content: message, sender: null });
      current = tx.db.select().from(conversations).where(eq(conversations.id, found.id)).get()!;
    }
    const resolved = changeConversation(tx, null, current, { status: "resolved" });
    addActivityMessage(tx, resolved, autoResolveActivity(minutes));
  }
  return idle.length;
}

/** The periodic task: every active account with auto-resolve on, in batches; returns the total resolved. */
export function autoResolveConversations(deps: AppDeps): number {
  const due = deps.db
    .select({ id: accounts.id, auto_resolve_duration: accounts.auto_resolve_duration, settings: accounts.settings })
    .from(accounts)
    .where(and(isNotNull(accounts.auto_resolve_duration), eq(accounts.status, "active")))
    .all();
  let total = 0;
  for (const account of due) {
    for (let done = 0; done < AUTO_RESOLVE_MAX_PER_RUN; ) {
      const n = deps.tx((tx) => resolveIdleConversations(tx, account));
      done += n;
      total += n;
      if (n < AUTO_RESOLVE_BATCH) break;
    }
  }
  return total;
}
