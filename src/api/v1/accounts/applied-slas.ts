import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { Validation } from "../../../domain/errors.ts";
import { appliedSlaMetrics, listMissedAppliedSlas, missedAppliedSlasCsv, type AppliedSlaFilters } from "../../../domain/sla/reports.ts";
import { parseWith } from "../../validate.ts";

const id = z.coerce.number({ error: "must be an id" }).int("must be an id").positive("must be an id").max(Number.MAX_SAFE_INTEGER);
const seconds = z.coerce.number({ error: "must be a unix timestamp" }).int("must be a unix timestamp").min(0, "must be a unix timestamp").max(1e11, "must be a unix timestamp");
const query = z.object({
  since: seconds.optional(),
  until: seconds.optional(),
  inbox_id: id.optional(),
  team_id: id.optional(),
  sla_policy_id: id.optional(),
  assigned_agent_id: id.optional(),
  page: z.coerce.number({ error: "must be a positive integer" }).int("must be a positive integer").min(1, "must be a positive integer").max(1_000_000).optional(),
});

/** The report filters from the query string; label_list may repeat (label_list[]=a&label_list[]=b) or be comma-separated. */
function filtersOf(c: Context<AppEnv>): AppliedSlaFilters & { page: number } {
  const raw = c.req.query();
  const q = parseWith(query, Object.fromEntries(Object.entries(raw).filter(([k, v]) => k in query.shape && v !== "")));
  const labels = [...(c.req.queries("label_list[]") ?? []), ...(c.req.queries("label_list") ?? []).flatMap((v) => v.split(","))]
    .map((l) => l.trim())
    .filter(Boolean);
  if (labels.length > 50) throw Validation.field("label_list", "may name at most 50 labels");
  return { ...q, label_list: labels, page: q.page ?? 1 };
}

/** /api/v1/accounts/:account_id/applied_slas — the SLA report (administrators): missed SLAs, metrics, CSV download. */
export const appliedSlaRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const f = filtersOf(c);
    return c.json(listMissedAppliedSlas(c.var.deps.db, c.var.scope, f, f.page, c.var.deps.config.publicUrl));
  })
  .get("/metrics", (c) => c.json(appliedSlaMetrics(c.var.deps.db, c.var.scope, filtersOf(c))))
  .get("/download", (c) => {
    const csv = missedAppliedSlasCsv(c.var.deps.db, c.var.scope, filtersOf(c), c.var.deps.config.publicUrl);
    return c.body(`\ufeff${csv}`, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="breached_conversation.csv"',
    });
  });
