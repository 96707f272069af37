import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { requireAdministrator } from "../../../domain/accounts/access.ts";
import {
  assignmentPolicyJson,
  createAssignmentPolicy,
  deleteAssignmentPolicy,
  getAssignmentPolicy,
  inboxAssignmentPolicyJson,
  inboxPolicy,
  linkInboxToPolicy,
  listAssignmentPolicies,
  policyInboxIds,
  unlinkInbox,
  updateAssignmentPolicy,
  wholeNumber,
} from "../../../domain/assignment/policies.ts";
import { NotFound } from "../../../domain/errors.ts";
import { workingHoursByInbox } from "../../../domain/inboxes/business-hours.ts";
import { inboxesByIds } from "../../../domain/inboxes/queries.ts";
import { serializeInbox } from "../../../domain/inboxes/serialize.ts";
import { idParam, readBody } from "../../validate.ts";

/** Chatwoot wraps the fields in `assignment_policy`; a flat body works too. */
const policyBody = z
  .record(z.string(), z.unknown())
  .transform((b) => (b.assignment_policy && typeof b.assignment_policy === "object" ? (b.assignment_policy as Record<string, unknown>) : b));
const inboxBody = z.record(z.string(), z.unknown());

/** /api/v1/accounts/:account_id/assignment_policies — administrators only, as Chatwoot's AssignmentPolicyPolicy. */
export const assignmentPolicyRoutes = new Hono<AppEnv>()
  .use((c, next) => {
    requireAdministrator(c.var.scope);
    return next();
  })
  .get("/", (c) => c.json(assignmentPolicyJson(c.var.deps.db, listAssignmentPolicies(c.var.deps.db, c.var.scope.account.id))))
  .post("/", async (c) => {
    const input = await readBody(c, policyBody);
    const row = c.var.deps.tx((tx) => createAssignmentPolicy(tx, c.var.scope, input));
    return c.json(assignmentPolicyJson(c.var.deps.db, [row])[0]);
  })
  .get("/:id", (c) => c.json(assignmentPolicyJson(c.var.deps.db, [getAssignmentPolicy(c.var.deps.db, c.var.scope.account.id, idParam(c, "id"))])[0]))
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const input = await readBody(c, policyBody);
    const row = c.var.deps.tx((tx) => updateAssignmentPolicy(tx, c.var.scope, id, input));
    return c.json(assignmentPolicyJson(c.var.deps.db, [row])[0]);
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteAssignmentPolicy(tx, c.var.scope, id));
    return c.body(null, 200);
  })
  .get("/:id/inboxes", (c) => {
    const db = c.var.deps.db;
    const policy = getAssignmentPolicy(db, c.var.scope.account.id, idParam(c, "id"));
    const ids = policyInboxIds(db, policy.id);
    const rows = inboxesByIds(db, c.var.scope.account.id, ids);
    const hours = workingHoursByInbox(db, ids);
    const viewer = { administrator: true, publicUrl: c.var.deps.config.publicUrl };
    const inboxes = ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [serializeInbox({ ...row, working_hours: hours.get(id) }, viewer)] : [];
    });
    return c.json({ inboxes });
  })
  .post("/:id/inboxes", async (c) => {
    const policyId = idParam(c, "id");
    const body = await readBody(c, inboxBody);
    const inboxId = wholeNumber("inbox_id", body.inbox_id, undefined, 1);
    const link = c.var.deps.tx((tx) => linkInboxToPolicy(tx, c.var.scope, policyId, inboxId));
    return c.json(inboxAssignmentPolicyJson(link));
  })
  .delete("/:id/inboxes/:inbox_id", (c) => {
    const policyId = idParam(c, "id");
    const inboxId = idParam(c, "inbox_id");
    c.var.deps.tx((tx) => unlinkInbox(tx, c.var.scope, inboxId, policyId));
    return c.body(null, 200);
  });

/** /api/v1/accounts/:account_id/inboxes/:inbox_id/assignment_policy — the inbox's one policy. */
export const inboxAssignmentPolicyRoutes = new Hono<AppEnv>()
  .use((c, next) => {
    requireAdministrator(c.var.scope);
    return next();
  })
  .get("/", (c) => {
    const policy = inboxPolicy(c.var.deps.db, c.var.scope.account.id, idParam(c, "inbox_id"));
    if (!policy) throw new NotFound("Assignment policy");
    return c.json(assignmentPolicyJson(c.var.deps.db, [policy])[0]);
  })
  .post("/", async (c) => {
    const inboxId = idParam(c, "inbox_id");
    const body = await readBody(c, inboxBody);
    const policyId = wholeNumber("assignment_policy_id", body.assignment_policy_id, undefined, 1);
    const link = c.var.deps.tx((tx) => linkInboxToPolicy(tx, c.var.scope, policyId, inboxId));
    return c.json(inboxAssignmentPolicyJson(link));
  })
  .delete("/", (c) => {
    const inboxId = idParam(c, "inbox_id");
    c.var.deps.tx((tx) => unlinkInbox(tx, c.var.scope, inboxId));
    return c.body(null, 200);
  });
