/** @jsxImportSource hono/jsx */
// Settings → Assignment (administrators): assignment policies, each inbox's policy and limits, agent capacity
// policies with their per-inbox limits and agents — through the same domain commands as the API (src/domain/assignment).
import { Hono } from "hono";
import type { Db } from "../../db/client.ts";
import type { AppEnv } from "../../deps.ts";
import { requireAdministrator, type AccountScope } from "../../domain/accounts/access.ts";
import { listAgentRows } from "../../domain/agents/queries.ts";
import { inboxAssignmentLimit, reassignsOnOffline } from "../../domain/assignment/picker.ts";
import { listInboxes } from "../../domain/inboxes/queries.ts";
import {
  addCapacityPolicyUser,
  assignmentPolicyJson,
  capacityLimitsOf,
  capacityPolicyByUser,
  createAssignmentPolicy,
  createCapacityPolicy,
  createInboxLimit,
  deleteAssignmentPolicy,
  deleteCapacityPolicy,
  deleteInboxLimit,
  getAssignmentPolicy,
  getCapacityPolicy,
  inboxPolicy,
  listAssignmentPolicies,
  listCapacityPolicies,
  removeCapacityPolicyUser,
  setInboxAssignment,
  updateAssignmentPolicy,
  updateCapacityPolicy,
  updateInboxLimit,
  type AgentCapacityPolicyRow,
  type AssignmentPolicyRow,
} from "../../domain/assignment/policies.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import {
  AssignmentPage,
  AssignmentPolicyPage,
  CapacityPolicyPage,
  InboxPolicyNote,
  type AssignmentFormState,
  type CapacityFormValues,
  type CapacityItem,
  type PolicyFormValues,
  type PolicyItem,
} from "../../../views/pages/settings/assignment.tsx";
import { render, shellOf, type WebContext } from "../context.ts";
import { access } from "../settings.tsx";
import { accountIdOf, idParam, postedText, savedNotice, submitForm, userScopeOf } from "./crud.ts";

const NOTICES: Record<string, Notice> = {
  "policy-created": { kind: "success", title: "Assignment policy created", text: "Choose it for an inbox below to use it." },
  "policy-saved": { kind: "success", title: "Assignment policy saved" },
  "policy-deleted": { kind: "success", title: "Assignment policy deleted" },
  "inbox-saved": { kind: "success", title: "Inbox assignment saved" },
  "capacity-created": { kind: "success", title: "Capacity policy created", text: "Open it to set its inbox limits and agents." },
  "capacity-deleted": { kind: "success", title: "Capacity policy deleted" },
};
const CAPACITY_NOTICES: Record<string, Notice> = {
  saved: { kind: "success", title: "Capacity policy saved" },
  limit: { kind: "success", title: "Inbox limits saved" },
  member: { kind: "success", title: "Agents saved" },
};

const home = (c: WebContext, rest = "") => accountPath(accountIdOf(c), `settings/assignment${rest}`);
const adminScope = (c: WebContext) => {
  const scope = userScopeOf(c);
  requireAdministrator(scope);
  return scope;
};

function policyItem(json: ReturnType<typeof assignmentPolicyJson>[number]): PolicyItem {
  return {
    id: json.id,
    name: json.name,
    description: json.description ?? "",
    assignmentOrder: json.assignment_order,
    conversationPriority: json.conversation_priority,
    fairDistributionLimit: json.fair_distribution_limit,
    fairDistributionWindow: json.fair_distribution_window,
    enabled: json.enabled,
    inboxes: json.inboxes,
  };
}

function policyValues(p: AssignmentPolicyRow): PolicyFormValues {
  return {
    name: p.name,
    description: p.description ?? "",
    assignment_order: p.assignment_order,
    conversation_priority: p.conversation_priority,
    fair_distribution_limit: String(p.fair_distribution_limit),
    fair_distribution_window: String(p.fair_distribution_window),
    enabled: p.enabled,
  };
}

/** The account's inboxes (the administrator sees them all), by name. */
const accountInboxes = (db: Db, scope: AccountScope) => listInboxes(db, scope).map((r) => r.inbox);

function capacityItems(db: Db, scope: AccountScope, rows: AgentCapacityPolicyRow[]): CapacityItem[] {
  const accountId = scope.account.id;
  const names = new Map(accountInboxes(db, scope).map((i) => [i.id, i.name]));
  const limits = capacityLimitsOf(
    db,
    rows.map((r) => r.id),
  );
  const byUser = capacityPolicyByUser(db, accountId);
  const agents = listAgentRows(db, accountId, [...byUser.keys()]);
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description ?? "",
    limits: limits.filter((l) => l.agent_capacity_policy_id === p.id).map((l) => ({ id: l.id, inboxId: l.inbox_id, inboxName: names.get(l.inbox_id) ?? "", conversationLimit: l.conversation_limit })),
    members: agents.filter((a) => byUser.get(a.user.id) === p.id).map((a) => ({ id: a.user.id, name: a.user.display_name?.trim() || a.user.name, email: a.user.email })),
  }));
}

function homePage(c: WebContext, status: 200 | 422, extra: AssignmentFormState = {}) {
  const db = c.var.deps.db;
  const scope = adminScope(c);
  const accountId = scope.account.id;
  const policies = assignmentPolicyJson(db, listAssignmentPolicies(db, accountId)).map(policyItem);
  const policyOf = new Map(policies.flatMap((p) => p.inboxes.map((i) => [i.id, p.id] as const)));
  const inboxItems = accountInboxes(db, scope).map((i) => ({
    id: i.id,
    name: i.name,
    enabled: i.enable_auto_assignment,
    policyId: policyOf.get(i.id) ?? null,
    maxAssignmentLimit: inboxAssignmentLimit(i),
    reassignOnOffline: reassignsOnOffline(i),
  }));
  const page = (
    <AssignmentPage
      shell={shellOf(c, "settings", "Assignment")}
      access={access(c)}
      policies={policies}
      inboxes={inboxItems}
      capacity={capacityItems(db, scope, listCapacityPolicies(db, accountId))}
      notice={savedNotice(c, NOTICES)}
      {...extra}
    />
  );
  return render(c, page, status);
}

async function policySubmitted(c: WebContext): Promise<PolicyFormValues> {
  const field = await postedText(c);
  return {
    name: field("name", 1_000),
    description: field("description", 20_000),
    assignment_order: field("assignment_order", 50),
    conversation_priority: field("conversation_priority", 50),
    fair_distribution_limit: field("fair_distribution_limit", 30).trim(),
    fair_distribution_window: field("fair_distribution_window", 30).trim(),
    enabled: field("enabled", 5) === "1",
  };
}

function policyPage(c: WebContext, row: AssignmentPolicyRow, status: 200 | 422, extra: { values?: PolicyFormValues; errors?: FieldErrors } = {}) {
  const item = policyItem(assignmentPolicyJson(c.var.deps.db, [row])[0]);
  return render(
    c,
    <AssignmentPolicyPage shell={shellOf(c, "settings", `${row.name} · Assignment`)} access={access(c)} policy={item} values={extra.values ?? policyValues(row)} errors={extra.errors} />,
    status,
  );
}

function capacityPage(c: WebContext, row: AgentCapacityPolicyRow, status: 200 | 422, extra: { values?: CapacityFormValues; errors?: FieldErrors; limitErrors?: FieldErrors; memberErrors?: FieldErrors } = {}) {
  const db = c.var.deps.db;
  const scope = adminScope(c);
  const page = (
    <CapacityPolicyPage
      shell={shellOf(c, "settings", `${row.name} · Capacity`)}
      access={access(c)}
      item={capacityItems(db, scope, [row])[0]}
      values={extra.values ?? { name: row.name, description: row.description ?? "" }}
      inboxes={accountInboxes(db, scope).map((i) => ({ id: i.id, name: i.name }))}
      agents={listAgentRows(db, scope.account.id).map((a) => ({ id: a.user.id, name: a.user.display_name?.trim() || a.user.name }))}
      notice={savedNotice(c, CAPACITY_NOTICES)}
      errors={extra.errors}
      limitErrors={extra.limitErrors}
      memberErrors={extra.memberErrors}
    />
  );
  return render(c, page, status);
}

const policyId = (c: WebContext) => idParam(c.req.param("id"), "Assignment policy");
const capacityId = (c: WebContext) => idParam(c.req.param("id"), "Capacity policy");

/** Mounted at /app/accounts/:accountId/settings. */
export const assignmentSettingsRoutes = new Hono<AppEnv>()
  .get("/assignment", (c) => homePage(c, 200))
  .post("/assignment/policies", async (c) => {
    const scope = adminScope(c);
    const values = await policySubmitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createAssignmentPolicy(tx, scope, values)),
      then: () => home(c, "?saved=policy-created"),
      refused: (errors) => homePage(c, 422, { policyValues: values, policyErrors: errors }),
    });
  })
  .get("/assignment/policies/:id", (c) => {
    adminScope(c);
    return policyPage(c, getAssignmentPolicy(c.var.deps.db, accountIdOf(c), policyId(c)), 200);
  })
  .post("/assignment/policies/:id", async (c) => {
    const scope = adminScope(c);
    const row = getAssignmentPolicy(c.var.deps.db, accountIdOf(c), policyId(c));
    const values = await policySubmitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateAssignmentPolicy(tx, scope, row.id, values)),
      then: () => home(c, "?saved=policy-saved"),
      refused: (errors) => policyPage(c, row, 422, { values, errors }),
    });
  })
  .post("/assignment/policies/:id/delete", (c) => {
    const scope = adminScope(c);
    const id = policyId(c);
    c.var.deps.tx((tx) => deleteAssignmentPolicy(tx, scope, id));
    return c.redirect(home(c, "?saved=policy-deleted"), 303);
  })
  .post("/assignment/inboxes/:id", async (c) => {
    const scope = adminScope(c);
    const inboxId = idParam(c.req.param("id"), "Inbox");
    const field = await postedText(c);
    const input = {
      enable_auto_assignment: field("enable_auto_assignment", 5) === "1",
      assignment_policy_id: field("assignment_policy_id", 30).trim(),
      max_assignment_limit: field("max_assignment_limit", 30).trim(),
      reassign_on_offline: field("reassign_on_offline", 5) === "1",
    };
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => setInboxAssignment(tx, scope, inboxId, input)),
      then: () => home(c, "?saved=inbox-saved"),
      refused: (errors) => homePage(c, 422, { inboxErrors: errors, errorInboxId: inboxId }),
    });
  })
  .post("/assignment/capacity", async (c) => {
    const scope = adminScope(c);
    const field = await postedText(c);
    const values = { name: field("name", 1_000), description: field("description", 20_000) };
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createCapacityPolicy(tx, scope, values)),
      then: (row) => home(c, `/capacity/${row.id}`),
      refused: (errors) => homePage(c, 422, { capacityValues: values, capacityErrors: errors }),
    });
  })
  .get("/assignment/capacity/:id", (c) => {
    adminScope(c);
    return capacityPage(c, getCapacityPolicy(c.var.deps.db, accountIdOf(c), capacityId(c)), 200);
  })
  .post("/assignment/capacity/:id", async (c) => {
    const scope = adminScope(c);
    const row = getCapacityPolicy(c.var.deps.db, accountIdOf(c), capacityId(c));
    const field = await postedText(c);
    const values = { name: field("name", 1_000), description: field("description", 20_000) };
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateCapacityPolicy(tx, scope, row.id, values)),
      then: () => home(c, `/capacity/${row.id}?saved=saved`),
      refused: (errors) => capacityPage(c, row, 422, { values, errors }),
    });
  })
  .post("/assignment/capacity/:id/delete", (c) => {
    const scope = adminScope(c);
    const id = capacityId(c);
    c.var.deps.tx((tx) => deleteCapacityPolicy(tx, scope, id));
    return c.redirect(home(c, "?saved=capacity-deleted"), 303);
  })
  .post("/assignment/capacity/:id/limits", async (c) => {
    const scope = adminScope(c);
    const row = getCapacityPolicy(c.var.deps.db, accountIdOf(c), capacityId(c));
    const field = await postedText(c);
    const input = { inbox_id: field("inbox_id", 30).trim(), conversation_limit: field("conversation_limit", 30).trim() };
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createInboxLimit(tx, scope, row.id, input)),
      then: () => home(c, `/capacity/${row.id}?saved=limit`),
      refused: (errors) => capacityPage(c, row, 422, { limitErrors: errors }),
    });
  })
  .post("/assignment/capacity/:id/limits/:limit", async (c) => {
    const scope = adminScope(c);
    const row = getCapacityPolicy(c.var.deps.db, accountIdOf(c), capacityId(c));
    const limitId = idParam(c.req.param("limit"), "Inbox limit");
    const field = await postedText(c);
    const input = { conversation_limit: field("conversation_limit", 30).trim() };
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateInboxLimit(tx, scope, row.id, limitId, input)),
      then: () => home(c, `/capacity/${row.id}?saved=limit`),
      refused: (errors) => capacityPage(c, row, 422, { limitErrors: errors }),
    });
  })
  .post("/assignment/capacity/:id/limits/:limit/delete", (c) => {
    const scope = adminScope(c);
    const id = capacityId(c);
    const limitId = idParam(c.req.param("limit"), "Inbox limit");
    c.var.deps.tx((tx) => deleteInboxLimit(tx, scope, id, limitId));
    return c.redirect(home(c, `/capacity/${id}?saved=limit`), 303);
  })
  .post("/assignment/capacity/:id/members", async (c) => {
    const scope = adminScope(c);
    const row = getCapacityPolicy(c.var.deps.db, accountIdOf(c), capacityId(c));
    const field = await postedText(c);
    const userId = field("user_id", 30).trim();
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => addCapacityPolicyUser(tx, scope, row.id, userId)),
      then: () => home(c, `/capacity/${row.id}?saved=member`),
      refused: (errors) => capacityPage(c, row, 422, { memberErrors: errors }),
    });
  })
  .post("/assignment/capacity/:id/members/:user/delete", (c) => {
    const scope = adminScope(c);
    const id = capacityId(c);
    const userId = idParam(c.req.param("user"), "User");
    c.var.deps.tx((tx) => removeCapacityPolicyUser(tx, scope, id, userId));
    return c.redirect(home(c, `/capacity/${id}?saved=member`), 303);
  });

/** The inbox settings page's note on the inbox's assignment policy (administrators see that page). */
export function inboxPolicyNote(c: WebContext, inboxId: number) {
  const policy = inboxPolicy(c.var.deps.db, accountIdOf(c), inboxId);
  return <InboxPolicyNote policyName={policy?.name ?? null} href={home(c)} />;
}
