import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { requireAdministrator } from "../../../domain/accounts/access.ts";
import { listAgentRows } from "../../../domain/agents/queries.ts";
import { serializeAgent } from "../../../domain/agents/serialize.ts";
import {
  addCapacityPolicyUser,
  capacityPolicyJson,
  capacityPolicyUserIds,
  createCapacityPolicy,
  createInboxLimit,
  deleteCapacityPolicy,
  deleteInboxLimit,
  getCapacityPolicy,
  inboxLimitJson,
  listCapacityPolicies,
  removeCapacityPolicyUser,
  updateCapacityPolicy,
  updateInboxLimit,
} from "../../../domain/assignment/policies.ts";
import { idParam, readBody } from "../../validate.ts";

const policyBody = z
  .record(z.string(), z.unknown())
  .transform((b) => (b.agent_capacity_policy && typeof b.agent_capacity_policy === "object" ? (b.agent_capacity_policy as Record<string, unknown>) : b));
const flatBody = z.record(z.string(), z.unknown());

/** /api/v1/accounts/:account_id/agent_capacity_policies (+ /users, /inbox_limits) — administrators only. */
export const agentCapacityPolicyRoutes = new Hono<AppEnv>()
  .use((c, next) => {
    requireAdministrator(c.var.scope);
    return next();
  })
  .get("/", (c) => c.json(capacityPolicyJson(c.var.deps.db, listCapacityPolicies(c.var.deps.db, c.var.scope.account.id))))
  .post("/", async (c) => {
    const input = await readBody(c, policyBody);
    const row = c.var.deps.tx((tx) => createCapacityPolicy(tx, c.var.scope, input));
    return c.json(capacityPolicyJson(c.var.deps.db, [row])[0]);
  })
  .get("/:id", (c) => c.json(capacityPolicyJson(c.var.deps.db, [getCapacityPolicy(c.var.deps.db, c.var.scope.account.id, idParam(c, "id"))])[0]))
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const input = await readBody(c, policyBody);
    const row = c.var.deps.tx((tx) => updateCapacityPolicy(tx, c.var.scope, id, input));
    return c.json(capacityPolicyJson(c.var.deps.db, [row])[0]);
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteCapacityPolicy(tx, c.var.scope, id));
    return c.body(null, 200);
  })
  .get("/:id/users", (c) => {
    const db = c.var.deps.db;
    const policy = getCapacityPolicy(db, c.var.scope.account.id, idParam(c, "id"));
    const ids = capacityPolicyUserIds(db, policy.account_id, policy.id);
    return c.json(ids.length ? listAgentRows(db, policy.account_id, ids).map(serializeAgent) : []);
  })
  .post("/:id/users", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, flatBody);
    const userId = c.var.deps.tx((tx) => addCapacityPolicyUser(tx, c.var.scope, id, body.user_id));
    return c.json(serializeAgent(listAgentRows(c.var.deps.db, c.var.scope.account.id, [userId])[0]));
  })
  .delete("/:id/users/:user_id", (c) => {
    const id = idParam(c, "id");
    const userId = idParam(c, "user_id");
    c.var.deps.tx((tx) => removeCapacityPolicyUser(tx, c.var.scope, id, userId));
    return c.body(null, 200);
  })
  .post("/:id/inbox_limits", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, flatBody);
    const limit = c.var.deps.tx((tx) => createInboxLimit(tx, c.var.scope, id, body));
    return c.json(inboxLimitJson(c.var.deps.db, limit));
  })
  .on(["PATCH", "PUT"], "/:id/inbox_limits/:limit_id", async (c) => {
    const id = idParam(c, "id");
    const limitId = idParam(c, "limit_id");
    const body = await readBody(c, flatBody);
    const limit = c.var.deps.tx((tx) => updateInboxLimit(tx, c.var.scope, id, limitId, body));
    return c.json(inboxLimitJson(c.var.deps.db, limit));
  })
  .delete("/:id/inbox_limits/:limit_id", (c) => {
    const id = idParam(c, "id");
    const limitId = idParam(c, "limit_id");
    c.var.deps.tx((tx) => deleteInboxLimit(tx, c.var.scope, id, limitId));
    return c.body(null, 204);
  });
