import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { assignConversation } from "../../../domain/conversations/commands.ts";
import { agentJson } from "../../../domain/conversations/serialize.ts";
import { readBody } from "../../validate.ts";
import { nullableId, pathConversation, recordsFor } from "./conversation-params.ts";

const body = z.object({ assignee_id: nullableId.optional(), team_id: nullableId.optional() });

/** /api/v1/accounts/:account_id/conversations/:conversation_id/assignments */
export const assignmentRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const input = await readBody(c, body);
  const result = c.var.deps.tx((tx) => assignConversation(tx, c.var.scope, pathConversation(c, tx.db), input));
  if (result.kind === "agent") {
    const user = result.userId === null ? null : recordsFor(c).user(result.userId);
    return c.json(user ? agentJson(user, c.var.scope.account.id) : null);
  }
  if (result.kind === "team" && result.team) {
    const t = result.team;
    return c.json({ ...t, created_at: new Date(t.created_at).toISOString(), updated_at: new Date(t.updated_at).toISOString() });
  }
  return c.json(null);
});
