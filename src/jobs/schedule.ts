import type { AppDeps } from "../deps.ts";
import { pruneExpiredSessions } from "../domain/auth/sessions.ts";
import { AUTO_RESOLVE_EVERY_MS, autoResolveConversations } from "../domain/conversations/auto-resolve.ts";
import { pruneFinishedJobs, pruneUsedTokens } from "../domain/system/maintenance.ts";
import { pruneWebhookLog } from "../domain/webhooks/log.ts";
import { INDEX_EVERY_MS, MERGE_EVERY_MS, catchUpMessageSearchInBackground, mergeMessageSearch } from "../domain/search/index-maintenance.ts";

type Periodic = { name: string; everyMs: number; run: (deps: AppDeps) => void | Promise<void> };

/** Periodic housekeeping. Each task is idempotent, so running it twice (two processes) is harmless. */
export const periodic: Periodic[] = [
  { name: "prune-sessions", everyMs: 3600_000, run: (d) => void pruneExpiredSessions(d.db, d.clock.now()) },
  { name: "prune-used-tokens", everyMs: 3600_000, run: (d) => void pruneUsedTokens(d.db, d.clock.now()) },
  { name: "prune-finished-jobs", everyMs: 3600_000, run: (d) => void pruneFinishedJobs(d.db, d.clock.now()) },
  { name: "prune-webhook-log", everyMs: 3600_000, run: (d) => void pruneWebhookLog(d.db, d.clock.now(), d.config.webhookLogRetentionDays) },
  { name: "auto-resolve-conversations", everyMs: AUTO_RESOLVE_EVERY_MS, run: (d) => void autoResolveConversations(d) },
  { name: "index-message-search", everyMs: INDEX_EVERY_MS, run: async (d) => void (await catchUpMessageSearchInBackground(d.db)) },
  { name: "merge-message-search", everyMs: MERGE_EVERY_MS, run: (d) => mergeMessageSearch(d.db) },
];

export function startSchedule(deps: AppDeps): () => void {
  const timers = periodic.map((task) =>
    setInterval(async () => {
      try {
        await task.run(deps);
      } catch (err) {
        deps.log.error("periodic task failed", { task: task.name, err });
      }
    }, task.everyMs),
  );
  return () => timers.forEach(clearInterval);
}
