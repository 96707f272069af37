import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { account_users } from "../../db/schema/accounts.ts";
import {
  agent_capacity_policies,
  agent_capacity_policy_users,
  ASSIGNMENT_ORDERS,
  assignment_policies,
  CONVERSATION_PRIORITIES,
  inbox_assignment_policies,
  inbox_capacity_limits,
} from "../../db/schema/assignment.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import { isoTime } from "../../lib/clock.ts";
import { requireAdministrator, type AccountScope } from "../accounts/access.ts";
import { NotFound, Validation } from "../errors.ts";
import { updateInbox } from "../inboxes/commands.ts";
import { assignmentSettingsChanged } from "./triggers.ts";

export type AssignmentPolicyRow = typeof assignment_policies.$inferSelect;
export type AgentCapacityPolicyRow = typeof agent_capacity_policies.$inferSelect;
export type InboxCapacityLimitRow = typeof inbox_capacity_limits.$inferSelect;
export type InboxAssignmentPolicyRow = typeof inbox_assignment_policies.$inferSelect;

export type AssignmentPolicyInput = {
  name?: unknown;
  description?: unknown;
  assignment_order?: unknown;
  conversation_priority?: unknown;
  fair_distribution_limit?: unknown;
  fair_distribution_window?: unknown;
  enabled?: unknown;
};
export type CapacityPolicyInput = { name?: unknown; description?: unknown; exclusion_rules?: unknown };

const MAX_NAME = 255;

// ---- input coercion: JSON clients send numbers and booleans, forms send strings ----

function name(value: unknown, current: string | undefined): string {
  const v = value !== undefined ? value : current;
  if (typeof v !== "string" || !v.trim()) throw Validation.field("name", "can't be blank");
  if (v.trim().length > MAX_NAME) throw Validation.field("name", `is too long (maximum is ${MAX_NAME} characters)`);
  return v.trim();
}

function description(value: unknown, current: string | null | undefined): string | null {
  if (value === undefined) return current ?? null;
  if (value === null || value === "") return null;
  if (typeof value !== "string") throw Validation.field("description", "must be text");
  if (value.length > 10_000) throw Validation.field("description", "is too long (maximum is 10000 characters)");
  return value;
}

function choice<T extends string>(field: string, value: unknown, allowed: readonly T[], current: T): T {
  if (value === undefined || value === null || value === "") return current;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) throw Validation.field(field, `must be one of ${allowed.join(", ")}`);
  return value as T;
}

/** A whole number within bounds; `min` 1 means "greater than 0" as Chatwoot validates. */
export function wholeNumber(field: string, value: unknown, current: number | undefined, min: number, max = 1_000_000_000): number {
  const v = value === undefined || value === "" ? current : value;
  const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n)) throw Validation.field(field, "must be a whole number");
  if (n < min) throw Validation.field(field, min === 1 ? "must be greater than 0" : `must be greater than or equal to ${min}`);
  if (n > max) throw Validation.field(field, `must be less than or equal to ${max}`);
  return n;
}

function bool(field: string, value: unknown, current: boolean): boolean {
  if (value === undefined || value === null || value === "") return current;
  if (value === true || value === "true" || value === "1" || value === 1) return true;
  if (value === false || value === "false" || value === "0" || value === 0) return false;
  throw Validation.field(field, "must be true or false");
}

// ---- assignment policies ----

export function listAssignmentPolicies(db: Db, accountId: number): AssignmentPolicyRow[] {
  return db.select().from(assignment_policies).where(eq(assignment_policies.account_id, accountId)).orderBy(asc(assignment_policies.id)).all();
}

export function getAssignmentPolicy(db: Db, accountId: number, id: number): AssignmentPolicyRow {
  const row = db
    .select()
    .from(assignment_policies)
    .where(and(eq(assignment_policies.id, id), eq(assignment_policies.account_id, accountId)))
    .get();
  if (!row) throw new NotFound("Assignment policy");
  return row;
}

function checkedPolicy(db: Db, accountId: number, input: AssignmentPolicyInput, current: AssignmentPolicyRow | null) {
  const values = {
    name: name(input.name, current?.name),
    description: description(input.description, current?.description),
    assignment_order: choice("assignment_order", input.assignment_order, ASSIGNMENT_ORDERS, current?.assignment_order ?? "round_robin"),
    conversation_priority: choice("conversation_priority", input.conversation_priority, CONVERSATION_PRIORITIES, current?.conversation_priority ?? "earliest_created"),
    fair_distribution_limit: wholeNumber("fair_distribution_limit", input.fair_distribution_limit, current?.fair_distribution_limit ?? 100, 1),
    fair_distribution_window: wholeNumber("fair_distribution_window", input.fair_distribution_window, current?.fair_distribution_window ?? 3600, 1, 31_536_000),
    enabled: bool("enabled", input.enabled, current?.enabled ?? true),
  };
  const clash = db
    .select({ id: assignment_policies.id })
    .from(assignment_policies)
    .where(and(eq(assignment_policies.account_id, accountId), eq(assignment_policies.name, values.name)))
    .get();
  if (clash && clash.id !== current?.id) throw Validation.field("name", "has already been taken");
  return values;
}

export function createAssignmentPolicy(tx: Tx, scope: AccountScope, input: AssignmentPolicyInput): AssignmentPolicyRow {
  requireAdministrator(scope);
  const values = checkedPolicy(tx.db, scope.account.id, input, null);
  return tx.db
    .insert(assignment_policies)
    .values({ ...values, account_id: scope.account.id, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

export function updateAssignmentPolicy(tx: Tx, scope: AccountScope, id: number, input: AssignmentPolicyInput): AssignmentPolicyRow {
  requireAdministrator(scope);
  const current = getAssignmentPolicy(tx.db, scope.account.id, id);
  const values = checkedPolicy(tx.db, scope.account.id, input, current);
  const row = tx.db.update(assignment_policies).set({ ...values, updated_at: tx.now }).where(eq(assignment_policies.id, id)).returning().get();
  for (const inboxId of policyInboxIds(tx.db, id)) assignmentSettingsChanged(tx, scope.account.id, inboxId);
  return row;
}

/** Deleting a policy unlinks its inboxes (they go back to the legacy round robin). */
export function deleteAssignmentPolicy(tx: Tx, scope: AccountScope, id: number): void {
  requireAdministrator(scope);
  getAssignmentPolicy(tx.db, scope.account.id, id);
  tx.db.delete(assignment_policies).where(eq(assignment_policies.id, id)).run();
}

function accountInbox(db: Db, accountId: number, inboxId: number) {
  const row = db
    .select({ id: inboxes.id, name: inboxes.name })
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.account_id, accountId)))
    .get();
  if (!row) throw new NotFound("Inbox");
  return row;
}

/** Ids of the inboxes a policy is linked to. */
export function policyInboxIds(db: Db, policyId: number): number[] {
  return db
    .select({ id: inbox_assignment_policies.inbox_id })
    .from(inbox_assignment_policies)
    .where(eq(inbox_assignment_policies.assignment_policy_id, policyId))
    .orderBy(asc(inbox_assignment_policies.inbox_id))
    .all()
    .map((r) => r.id);
}

/** Links an inbox to a policy, replacing the inbox's previous policy (an inbox has at most one). */
export function linkInboxToPolicy(tx: Tx, scope: AccountScope, policyId: number, inboxId: number): InboxAssignmentPolicyRow {
  requireAdministrator(scope);
  getAssignmentPolicy(tx.db, scope.account.id, policyId);
  accountInbox(tx.db, scope.account.id, inboxId);
  tx.db.delete(inbox_assignment_policies).where(eq(inbox_assignment_policies.inbox_id, inboxId)).run();
  const link = tx.db
    .insert(inbox_assignment_policies)
    .values({ inbox_id: inboxId, assignment_policy_id: policyId, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
  assignmentSettingsChanged(tx, scope.account.id, inboxId);
  return link;
}

/** Removes the inbox's policy link (through a policy: only when it is that policy's inbox). */
export function unlinkInbox(tx: Tx, scope: AccountScope, inboxId: number, policyId?: number): void {
  requireAdministrator(scope);
  if (policyId !== undefined) getAssignmentPolicy(tx.db, scope.account.id, policyId);
  accountInbox(tx.db, scope.account.id, inboxId);
  const link = tx.db.select().from(inbox_assignment_policies).where(eq(inbox_assignment_policies.inbox_id, inboxId)).get();
  if (!link || (policyId !== undefined && link.assignment_policy_id !== policyId)) throw new NotFound("Inbox assignment policy");
  tx.db.delete(inbox_assignment_policies).where(eq(inbox_assignment_policies.id, link.id)).run();
  assignmentSettingsChanged(tx, scope.account.id, inboxId);
}

/** The policy linked to an inbox of the account, or null. */
export function inboxPolicy(db: Db, accountId: number, inboxId: number): AssignmentPolicyRow | null {
  accountInbox(db, accountId, inboxId);
  const link = db.select().from(inbox_assignment_policies).where(eq(inbox_assignment_policies.inbox_id, inboxId)).get();
  return link ? getAssignmentPolicy(db, accountId, link.assignment_policy_id) : null;
}

/** Chatwoot's _assignment_policy partial (with the linked inboxes' ids and names). */
export function assignmentPolicyJson(db: Db, rows: AssignmentPolicyRow[]) {
  const ids = rows.map((r) => r.id);
  const links = ids.length
    ? db
        .select({ policy: inbox_assignment_policies.assignment_policy_id, id: inboxes.id, name: inboxes.name })
        .from(inbox_assignment_policies)
        .innerJoin(inboxes, eq(inboxes.id, inbox_assignment_policies.inbox_id))
        .where(inArray(inbox_assignment_policies.assignment_policy_id, ids))
        .orderBy(asc(inboxes.id))
        .all()
    : [];
  return rows.map((p) => {
    const linked = links.filter((l) => l.policy === p.id).map((l) => ({ id: l.id, name: l.name }));
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      assignment_order: p.assignment_order,
      conversation_priority: p.conversation_priority,
      fair_distribution_limit: p.fair_distribution_limit,
      fair_distribution_window: p.fair_distribution_window,
      enabled: p.enabled,
      inbox_count: linked.length,
      inboxes: linked,
      created_at: isoTime(p.created_at),
      updated_at: isoTime(p.updated_at),
    };
  });
}

export function inboxAssignmentPolicyJson(link: InboxAssignmentPolicyRow) {
  return {
    id: link.id,
    inbox_id: link.inbox_id,
    assignment_policy_id: link.assignment_policy_id,
    created_at: Math.floor(link.created_at / 1000),
    updated_at: Math.floor(link.updated_at / 1000),
  };
}

// ---- agent capacity policies ----

export function listCapacityPolicies(db: Db, accountId: number): AgentCapacityPolicyRow[] {
  return db.select().from(agent_capacity_policies).where(eq(agent_capacity_policies.account_id, accountId)).orderBy(asc(agent_capacity_policies.id)).all();
}

export function getCapacityPolicy(db: Db, accountId: number, id: number): AgentCapacityPolicyRow {
  const row = db
    .select()
    .from(agent_capacity_policies)
    .where(and(eq(agent_capacity_policies.id, id), eq(agent_capacity_policies.account_id, accountId)))
    .get();
  if (!row) throw new NotFound("Agent capacity policy");
  return row;
}

/** Chatwoot's permitted exclusion_rules: { exclude_older_than_hours, excluded_labels: [] }. */
function exclusionRules(value: unknown, current: Record<string, unknown> | undefined): Record<string, unknown> {
  if (value === undefined) return current ?? {};
  if (value === null || value === "") return {};
  if (typeof value !== "object" || Array.isArray(value)) throw Validation.field("exclusion_rules", "must be an object");
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (v.exclude_older_than_hours !== undefined && v.exclude_older_than_hours !== null && v.exclude_older_than_hours !== "") {
    out.exclude_older_than_hours = wholeNumber("exclusion_rules.exclude_older_than_hours", v.exclude_older_than_hours, undefined, 1, 87_600);
  }
  if (v.excluded_labels !== undefined && v.excluded_labels !== null) {
    if (!Array.isArray(v.excluded_labels) || v.excluded_labels.some((l) => typeof l !== "string")) {
      throw Validation.field("exclusion_rules.excluded_labels", "must be a list of labels");
    }
    out.excluded_labels = [...new Set((v.excluded_labels as string[]).map((l) => l.trim()).filter(Boolean))].slice(0, 100);
  }
  return out;
}

function checkedCapacity(input: CapacityPolicyInput, current: AgentCapacityPolicyRow | null) {
  return {
    name: name(input.name, current?.name),
    description: description(input.description, current?.description),
    exclusion_rules: exclusionRules(input.exclusion_rules, current?.exclusion_rules),
  };
}

export function createCapacityPolicy(tx: Tx, scope: AccountScope, input: CapacityPolicyInput): AgentCapacityPolicyRow {
  requireAdministrator(scope);
  const values = checkedCapacity(input, null);
  return tx.db
    .insert(agent_capacity_policies)
    .values({ ...values, account_id: scope.account.id, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

export function updateCapacityPolicy(tx: Tx, scope: AccountScope, id: number, input: CapacityPolicyInput): AgentCapacityPolicyRow {
  requireAdministrator(scope);
  const current = getCapacityPolicy(tx.db, scope.account.id, id);
  return tx.db
    .update(agent_capacity_policies)
    .set({ ...checkedCapacity(input, current), updated_at: tx.now })
    .where(eq(agent_capacity_policies.id, id))
    .returning()
    .get();
}

/** Deleting a capacity policy frees its members (Chatwoot nullifies account_users.agent_capacity_policy_id). */
export function deleteCapacityPolicy(tx: Tx, scope: AccountScope, id: number): void {
  requireAdministrator(scope);
  getCapacityPolicy(tx.db, scope.account.id, id);
  capacityPolicyChanged(tx, scope.account.id, id);
  tx.db.delete(agent_capacity_policies).where(eq(agent_capacity_policies.id, id)).run();
}

/** Inboxes whose waiting conversations may be assignable once a capacity policy's limits stop applying. */
function capacityPolicyChanged(tx: Tx, accountId: number, policyId: number): void {
  for (const l of capacityLimitsOf(tx.db, [policyId])) assignmentSettingsChanged(tx, accountId, l.inbox_id);
}

export function capacityLimitsOf(db: Db, policyIds: number[]): InboxCapacityLimitRow[] {
  if (!policyIds.length) return [];
  return db
    .select()
    .from(inbox_capacity_limits)
    .where(inArray(inbox_capacity_limits.agent_capacity_policy_id, policyIds))
    .orderBy(asc(inbox_capacity_limits.id))
    .all();
}

/** Chatwoot's _agent_capacity_policy partial. */
export function capacityPolicyJson(db: Db, rows: AgentCapacityPolicyRow[]) {
  const limits = capacityLimitsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    exclusion_rules: p.exclusion_rules,
    created_at: Math.floor(p.created_at / 1000),
    updated_at: Math.floor(p.updated_at / 1000),
    account_id: p.account_id,
    inbox_capacity_limits: limits
      .filter((l) => l.agent_capacity_policy_id === p.id)
      .map((l) => ({ id: l.id, inbox_id: l.inbox_id, conversation_limit: l.conversation_limit })),
  }));
}

/** User ids of the account members who have the capacity policy. */
export function capacityPolicyUserIds(db: Db, accountId: number, policyId: number): number[] {
  return db
    .select({ id: agent_capacity_policy_users.user_id })
    .from(agent_capacity_policy_users)
    .where(and(eq(agent_capacity_policy_users.account_id, accountId), eq(agent_capacity_policy_users.agent_capacity_policy_id, policyId)))
    .orderBy(asc(agent_capacity_policy_users.user_id))
    .all()
    .map((r) => r.id);
}

function requireMember(db: Db, accountId: number, userId: number): void {
  const m = db
    .select({ id: account_users.id })
    .from(account_users)
    .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, userId)))
    .get();
  if (!m) throw new NotFound("User");
}

/** Gives an account member the capacity policy (replacing the one they had). */
export function addCapacityPolicyUser(tx: Tx, scope: AccountScope, policyId: number, userId: unknown): number {
  requireAdministrator(scope);
  getCapacityPolicy(tx.db, scope.account.id, policyId);
  const id = wholeNumber("user_id", userId, undefined, 1);
  requireMember(tx.db, scope.account.id, id);
  tx.db
    .insert(agent_capacity_policy_users)
    .values({ account_id: scope.account.id, user_id: id, agent_capacity_policy_id: policyId, created_at: tx.now })
    .onConflictDoUpdate({ target: [agent_capacity_policy_users.account_id, agent_capacity_policy_users.user_id], set: { agent_capacity_policy_id: policyId, created_at: tx.now } })
    .run();
  return id;
}

export function removeCapacityPolicyUser(tx: Tx, scope: AccountScope, policyId: number, userId: number): void {
  requireAdministrator(scope);
  getCapacityPolicy(tx.db, scope.account.id, policyId);
  requireMember(tx.db, scope.account.id, userId);
  const gone = tx.db
    .delete(agent_capacity_policy_users)
    .where(
      and(
        eq(agent_capacity_policy_users.account_id, scope.account.id),
        eq(agent_capacity_policy_users.user_id, userId),
        eq(agent_capacity_policy_users.agent_capacity_policy_id, policyId),
      ),
    )
    .returning({ id: agent_capacity_policy_users.id })
    .get();
  if (!gone) throw new NotFound("User");
  capacityPolicyChanged(tx, scope.account.id, policyId);
}

/** The capacity policy id of each member who has one (for the settings page). */
export function capacityPolicyByUser(db: Db, accountId: number): Map<number, number> {
  return new Map(
    db
      .select({ user: agent_capacity_policy_users.user_id, policy: agent_capacity_policy_users.agent_capacity_policy_id })
      .from(agent_capacity_policy_users)
      .where(eq(agent_capacity_policy_users.account_id, accountId))
      .all()
      .map((r) => [r.user, r.policy]),
  );
}

export function createInboxLimit(tx: Tx, scope: AccountScope, policyId: number, input: { inbox_id?: unknown; conversation_limit?: unknown }): InboxCapacityLimitRow {
  requireAdministrator(scope);
  getCapacityPolicy(tx.db, scope.account.id, policyId);
  const inboxId = wholeNumber("inbox_id", input.inbox_id, undefined, 1);
  const limit = wholeNumber("conversation_limit", input.conversation_limit, undefined, 0, 100_000);
  accountInbox(tx.db, scope.account.id, inboxId);
  const dup = tx.db
    .select({ id: inbox_capacity_limits.id })
    .from(inbox_capacity_limits)
    .where(and(eq(inbox_capacity_limits.agent_capacity_policy_id, policyId), eq(inbox_capacity_limits.inbox_id, inboxId)))
    .get();
  if (dup) throw Validation.field("inbox_id", "already has a limit in this policy");
  return tx.db
    .insert(inbox_capacity_limits)
    .values({ agent_capacity_policy_id: policyId, inbox_id: inboxId, conversation_limit: limit, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

function getInboxLimit(db: Db, policyId: number, id: number): InboxCapacityLimitRow {
  const row = db
    .select()
    .from(inbox_capacity_limits)
    .where(and(eq(inbox_capacity_limits.id, id), eq(inbox_capacity_limits.agent_capacity_policy_id, policyId)))
    .get();
  if (!row) throw new NotFound("Inbox limit");
  return row;
}

export function updateInboxLimit(tx: Tx, scope: AccountScope, policyId: number, id: number, input: { conversation_limit?: unknown }): InboxCapacityLimitRow {
  requireAdministrator(scope);
  getCapacityPolicy(tx.db, scope.account.id, policyId);
  getInboxLimit(tx.db, policyId, id);
  const limit = wholeNumber("conversation_limit", input.conversation_limit, undefined, 0, 100_000);
  const row = tx.db.update(inbox_capacity_limits).set({ conversation_limit: limit, updated_at: tx.now }).where(eq(inbox_capacity_limits.id, id)).returning().get();
  assignmentSettingsChanged(tx, scope.account.id, row.inbox_id);
  return row;
}

export function deleteInboxLimit(tx: Tx, scope: AccountScope, policyId: number, id: number): void {
  requireAdministrator(scope);
  getCapacityPolicy(tx.db, scope.account.id, policyId);
  const limit = getInboxLimit(tx.db, policyId, id);
  tx.db.delete(inbox_capacity_limits).where(eq(inbox_capacity_limits.id, id)).run();
  assignmentSettingsChanged(tx, scope.account.id, limit.inbox_id);
}

export function inboxLimitJson(db: Db, limit: InboxCapacityLimitRow) {
  const inbox = db.select({ name: inboxes.name }).from(inboxes).where(eq(inboxes.id, limit.inbox_id)).get();
  return {
    id: limit.id,
    inbox_id: limit.inbox_id,
    inbox_name: inbox?.name ?? "",
    agent_capacity_policy_id: limit.agent_capacity_policy_id,
    conversation_limit: limit.conversation_limit,
    created_at: Math.floor(limit.created_at / 1000),
    updated_at: Math.floor(limit.updated_at / 1000),
  };
}

// ---- an inbox's assignment settings (the settings page's per-inbox form) ----

export type InboxAssignmentInput = { enable_auto_assignment: boolean; assignment_policy_id: unknown; max_assignment_limit: unknown; reassign_on_offline: boolean };

/**
 * Saves an inbox's assignment settings at once: auto-assignment on or off, its policy (none = legacy round robin),
 * auto_assignment_config.max_assignment_limit (blank = none) and auto_assignment_config.reassign_on_offline.
 */
export function setInboxAssignment(tx: Tx, scope: AccountScope, inboxId: number, input: InboxAssignmentInput): void {
  requireAdministrator(scope);
  const inbox = tx.db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.account_id, scope.account.id)))
    .get();
  if (!inbox) throw new NotFound("Inbox");
  const rawPolicy = input.assignment_policy_id;
  const policyId = rawPolicy === undefined || rawPolicy === null || rawPolicy === "" ? null : wholeNumber("assignment_policy_id", rawPolicy, undefined, 1);
  if (policyId != null) getAssignmentPolicy(tx.db, scope.account.id, policyId);
  const rawLimit = input.max_assignment_limit;
  const limit = rawLimit === undefined || rawLimit === null || rawLimit === "" ? null : wholeNumber("max_assignment_limit", rawLimit, undefined, 1, 100_000);
  const config: Record<string, unknown> = { ...inbox.auto_assignment_config, reassign_on_offline: input.reassign_on_offline };
  if (limit == null) delete config.max_assignment_limit;
  else config.max_assignment_limit = limit;
  updateInbox(tx, scope, inboxId, { enable_auto_assignment: input.enable_auto_assignment, auto_assignment_config: config });
  const link = tx.db.select().from(inbox_assignment_policies).where(eq(inbox_assignment_policies.inbox_id, inboxId)).get();
  if (policyId == null) {
    if (link) tx.db.delete(inbox_assignment_policies).where(eq(inbox_assignment_policies.id, link.id)).run();
  } else if (link?.assignment_policy_id !== policyId) {
    linkInboxToPolicy(tx, scope, policyId, inboxId);
  }
  assignmentSettingsChanged(tx, scope.account.id, inboxId);
}
