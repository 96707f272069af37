import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { csatMetrics, listCsatResponses, type CsatFilters } from "../../../domain/csat/queries.ts";
import { csatResponsesJson } from "../../../domain/csat/serialize.ts";
import { parseWith } from "../../validate.ts";
import { recordsFor } from "./conversation-params.ts";

const intParam = (field: string) =>
  z
    .string()
    .regex(/^\d{1,15}$/, `${field} must be a whole number`)
    .transform(Number)
    .optional();
const query = z.object({
  page: intParam("page"),
  since: intParam("since"),
  until: intParam("until"),
  inbox_id: intParam("inbox_id"),
  team_id: intParam("team_id"),
  user_ids: z.array(z.string().regex(/^\d{1,15}$/, "must be whole numbers").transform(Number)).max(500).optional(),
  rating: z.array(z.string().regex(/^[1-5]$/, "must be 1 to 5").transform(Number)).max(5).optional(),
});

/** Chatwoot's filter params: since/until (unix seconds), user_ids[], inbox_id, team_id, rating[], page. */
function filters(c: Context<AppEnv>): CsatFilters {
  const list = (name: string) => {
    const values = [...(c.req.queries(`${name}[]`) ?? []), ...(c.req.queries(name) ?? [])].flatMap((v) => v.split(",")).filter(Boolean);
    return values.length ? values : undefined;
  };
  const q = parseWith(query, { ...c.req.query(), user_ids: list("user_ids"), rating: list("rating") });
  return {
    page: q.page,
    since: q.since != null ? q.since * 1000 : undefined,
    until: q.until != null ? q.until * 1000 + 999 : undefined,
    inboxId: q.inbox_id,
    teamId: q.team_id,
    userIds: q.user_ids,
    ratings: q.rating,
  };
}

/** /api/v1/accounts/:account_id/csat_survey_responses */
export const csatRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const rows = listCsatResponses(c.var.deps.db, c.var.scope, filters(c));
    return c.json(csatResponsesJson(recordsFor(c), rows));
  })
  .get("/metrics", (c) => c.json(csatMetrics(c.var.deps.db, c.var.scope, filters(c))));
