import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { serializeAgent } from "../../../domain/agents/serialize.ts";
import { addInboxMembers, removeInboxMembers, replaceInboxMembers } from "../../../domain/inbox-members/commands.ts";
import { listAssignableAgents, listInboxMembers } from "../../../domain/inbox-members/queries.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";

const id = z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number)]);
const membersBody = z.object({ inbox_id: id, user_ids: z.array(id).max(1000) });

/** /api/v1/accounts/:account_id/inbox_members — Chatwoot wraps the agent lists in `payload`. */
export const inboxMemberRoutes = new Hono<AppEnv>()
  .get("/:inbox_id", (c) => c.json({ payload: listInboxMembers(c.var.deps.db, c.var.scope, idParam(c, "inbox_id")).map(serializeAgent) }))
  .post("/", async (c) => {
    const b = await readBody(c, membersBody);
    return c.json({ payload: c.var.deps.tx((tx) => addInboxMembers(tx, c.var.scope, b.inbox_id, b.user_ids)).map(serializeAgent) });
  })
  .on(["PATCH", "PUT"], "/", async (c) => {
    const b = await readBody(c, membersBody);
    return c.json({ payload: c.var.deps.tx((tx) => replaceInboxMembers(tx, c.var.scope, b.inbox_id, b.user_ids)).map(serializeAgent) });
  })
  .delete("/", async (c) => {
    const b = await readBody(c, membersBody);
    c.var.deps.tx((tx) => removeInboxMembers(tx, c.var.scope, b.inbox_id, b.user_ids));
    return c.body(null, 200);
  });

const assignableQuery = z.object({ inbox_ids: z.array(id).min(1, "must name at least one inbox").max(100) });

/** /api/v1/accounts/:account_id/assignable_agents?inbox_ids[]=… */
export const assignableAgentRoutes = new Hono<AppEnv>().get("/", (c) => {
  const raw = [...c.req.queries("inbox_ids[]") ?? [], ...c.req.queries("inbox_ids") ?? []].flatMap((v) => v.split(","));
  const { inbox_ids } = parseWith(assignableQuery, { inbox_ids: raw });
  return c.json({ payload: listAssignableAgents(c.var.deps.db, c.var.scope, inbox_ids).map(serializeAgent) });
});
