import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { addTeamMembers, removeTeamMembers, replaceTeamMembers } from "../../../domain/teams/commands.ts";
import { listTeamMembers } from "../../../domain/teams/queries.ts";
import { serializeAgent } from "../../../domain/agents/serialize.ts";
import { idParam, readBody } from "../../validate.ts";

const userId = z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number)]);
const membersBody = z.object({ user_ids: z.array(userId).max(1000) });

/** /api/v1/accounts/:account_id/teams/:team_id/team_members */
export const teamMemberRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(listTeamMembers(c.var.deps.db, c.var.scope, idParam(c, "team_id")).map(serializeAgent)))
  .post("/", async (c) => {
    const teamId = idParam(c, "team_id");
    const { user_ids } = await readBody(c, membersBody);
    return c.json(c.var.deps.tx((tx) => addTeamMembers(tx, c.var.scope, teamId, user_ids)).map(serializeAgent));
  })
  .on(["PATCH", "PUT"], "/", async (c) => {
    const teamId = idParam(c, "team_id");
    const { user_ids } = await readBody(c, membersBody);
    return c.json(c.var.deps.tx((tx) => replaceTeamMembers(tx, c.var.scope, teamId, user_ids)).map(serializeAgent));
  })
  .delete("/", async (c) => {
    const teamId = idParam(c, "team_id");
    const { user_ids } = await readBody(c, membersBody);
    c.var.deps.tx((tx) => removeTeamMembers(tx, c.var.scope, teamId, user_ids));
    return c.body(null, 200);
  });
