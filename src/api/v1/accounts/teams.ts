import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createTeam, deleteTeam, updateTeam } from "../../../domain/teams/commands.ts";
import { listTeams, showTeam, teamView } from "../../../domain/teams/queries.ts";
import { serializeTeam } from "../../../domain/teams/serialize.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";
import { teamMemberRoutes } from "./team-members.ts";

const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const fields = z.object({
  name: z.string().max(255).optional(),
  description: z.string().max(10_000).nullable().optional(),
  allow_auto_assign: bool.optional(),
});

/** Fields flat or nested under `team` (Chatwoot's params.require(:team)). */
const teamBody = z
  .record(z.string(), z.unknown())
  .transform(({ team, ...rest }) => parseWith(fields, { ...rest, ...(team && typeof team === "object" && !Array.isArray(team) ? team : {}) }));

const input = (b: z.infer<typeof fields>) => ({ name: b.name, description: b.description, allowAutoAssign: b.allow_auto_assign });

/** /api/v1/accounts/:account_id/teams */
export const teamRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(listTeams(c.var.deps.db, c.var.scope).map(serializeTeam)))
  .post("/", async (c) => {
    const b = await readBody(c, teamBody);
    const team = c.var.deps.tx((tx) => createTeam(tx, c.var.scope, input(b)));
    return c.json(serializeTeam(teamView(c.var.deps.db, c.var.scope, team)));
  })
  .get("/:team_id", (c) => c.json(serializeTeam(showTeam(c.var.deps.db, c.var.scope, idParam(c, "team_id")))))
  .on(["PATCH", "PUT"], "/:team_id", async (c) => {
    const id = idParam(c, "team_id");
    const b = await readBody(c, teamBody);
    const team = c.var.deps.tx((tx) => updateTeam(tx, c.var.scope, id, input(b)));
    return c.json(serializeTeam(teamView(c.var.deps.db, c.var.scope, team)));
  })
  .delete("/:team_id", (c) => {
    const id = idParam(c, "team_id");
    c.var.deps.tx((tx) => deleteTeam(tx, c.var.scope, id));
    return c.body(null, 200);
  })
  .route("/:team_id/team_members", teamMemberRoutes);
