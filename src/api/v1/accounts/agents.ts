import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import {
  inviteAgent,
  inviteAgents,
  removeAgent,
  resendInvitation,
  sendAgentPasswordReset,
  updateAgent,
} from "../../../domain/agents/commands.ts";
import { authorizeListAgents } from "../../../domain/agents/policy.ts";
import { listAgentRows } from "../../../domain/agents/queries.ts";
import { serializeAgent } from "../../../domain/agents/serialize.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";

const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const id = z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number)]);
// Chatwoot's spec calls "online" "available"; both are accepted.
const availability = z.enum(["online", "available", "busy", "offline"]).transform((v) => (v === "available" ? "online" : v));

const fields = z.object({
  name: z.string().max(255).optional(),
  email: z.string().trim().max(254).optional(),
  role: z.string().trim().min(1).max(255).optional(),
  custom_role_id: id.nullable().optional(),
  availability: availability.optional(),
  availability_status: availability.optional(),
  auto_offline: bool.optional(),
});

/** Chatwoot clients send the fields flat or nested under `agent` (with custom_role_id beside it). */
function nested<S extends z.ZodType>(schema: S) {
  return z.record(z.string(), z.unknown()).transform(({ agent, ...rest }) => {
    const inner = agent && typeof agent === "object" && !Array.isArray(agent) ? agent : {};
    return parseWith(schema, { ...rest, ...inner }) as z.infer<S>;
  });
}
const agentBody = nested(fields);
const inviteBody = nested(fields.extend({ email: z.string().trim().min(1, "can't be blank").max(254) }));
const bulkBody = z.object({ emails: z.array(z.string().trim().max(254)).min(1).max(100) });

/** /api/v1/accounts/:account_id/agents */
export const agentRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    authorizeListAgents(c.var.scope);
    return c.json(listAgentRows(c.var.deps.db, c.var.scope.account.id).map(serializeAgent));
  })
  .post("/", async (c) => {
    const b = await readBody(c, inviteBody);
    const input = { name: b.name, email: b.email, role: b.role, customRoleId: b.custom_role_id, availability: b.availability ?? b.availability_status, autoOffline: b.auto_offline };
    return c.json(serializeAgent(await inviteAgent(c.var.deps, c.var.scope, input)));
  })
  .post("/bulk_create", async (c) => {
    const b = await readBody(c, bulkBody);
    await inviteAgents(c.var.deps, c.var.scope, b.emails);
    return c.body(null, 200);
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const userId = idParam(c, "id");
    const b = await readBody(c, agentBody);
    const patch = { name: b.name, role: b.role, customRoleId: b.custom_role_id, availability: b.availability ?? b.availability_status, autoOffline: b.auto_offline };
    return c.json(serializeAgent(await updateAgent(c.var.deps, c.var.scope, userId, patch)));
  })
  .delete("/:id", (c) => {
    const userId = idParam(c, "id");
    c.var.deps.tx((tx) => removeAgent(tx, c.var.scope, userId));
    return c.body(null, 200);
  })
  .post("/:id/resend_invitation", async (c) => c.json(serializeAgent(await resendInvitation(c.var.deps, c.var.scope, idParam(c, "id")))))
  .post("/:id/reset_password", async (c) => c.json(serializeAgent(await sendAgentPasswordReset(c.var.deps, c.var.scope, idParam(c, "id")))));
