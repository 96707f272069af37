import { and, asc, eq } from "drizzle-orm";
import { automationRules } from "../../db/schema/automation.ts";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { Tx } from "../../db/tx.ts";
import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden, NotFound, Validation } from "../errors.ts";
import { AUTOMATION_ACTIONS, validateActions } from "./actions.ts";
import { validateConditions } from "./conditions.ts";
import { automationRulesChanged } from "./plans.ts";

export type AutomationRuleRow = typeof automationRules.$inferSelect;

export const AUTOMATION_EVENTS = ["conversation_created", "conversation_updated", "conversation_opened", "conversation_resolved", "message_created"] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

export type AutomationRuleInput = {
  name?: unknown;
  description?: unknown;
  event_name?: unknown;
  conditions?: unknown;
  actions?: unknown;
  active?: unknown;
};

/** Automation rules are the administrators' (Chatwoot's AutomationRulePolicy). */
export function authorizeAutomation(scope: AccountScope): void {
  if (!isAdministrator(scope)) throw new Forbidden();
}

export function listAutomationRules(db: Db, accountId: number): AutomationRuleRow[] {
  return db.select().from(automationRules).where(eq(automationRules.account_id, accountId)).orderBy(asc(automationRules.id)).all();
}

export function getAutomationRule(db: Db, accountId: number, id: number): AutomationRuleRow {
  const row = db
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.id, id), eq(automationRules.account_id, accountId)))
    .get();
  if (!row) throw new NotFound("Automation rule");
  return row;
}

function checked(tx: Tx, accountId: number, input: AutomationRuleInput, current: AutomationRuleRow | null) {
  const name = input.name !== undefined ? input.name : current?.name;
  if (typeof name !== "string" || !name.trim()) throw Validation.field("name", "can't be blank");
  if (name.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
  const description = input.description !== undefined ? input.description : (current?.description ?? null);
  if (description != null && (typeof description !== "string" || description.length > 1000)) throw Validation.field("description", "must be text up to 1000 characters");
  const event = input.event_name !== undefined ? input.event_name : current?.event_name;
  if (typeof event !== "string" || !(AUTOMATION_EVENTS as readonly string[]).includes(event)) throw Validation.field("event_name", `must be one of ${AUTOMATION_EVENTS.join(", ")}`);
  const active = input.active !== undefined ? input.active : (current?.active ?? true);
  if (typeof active !== "boolean") throw Validation.field("active", "must be true or false");
  const conditions = validateConditions(tx.db, accountId, input.conditions !== undefined ? input.conditions : (current?.conditions ?? []), tx.now);
  const actions = validateActions(tx.db, accountId, input.actions !== undefined ? input.actions : current?.actions, AUTOMATION_ACTIONS);
  return { name: name.trim(), description: (description as string | null) || null, event_name: event, conditions, actions, active };
}

export function createAutomationRule(tx: Tx, scope: AccountScope, input: AutomationRuleInput): AutomationRuleRow {
  authorizeAutomation(scope);
  const values = checked(tx, scope.account.id, input, null);
  automationRulesChanged();
  return tx.db
    .insert(automationRules)
    .values({ ...values, account_id: scope.account.id, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

export function updateAutomationRule(tx: Tx, scope: AccountScope, id: number, input: AutomationRuleInput): AutomationRuleRow {
  authorizeAutomation(scope);
  const current = getAutomationRule(tx.db, scope.account.id, id);
  const values = checked(tx, scope.account.id, input, current);
  automationRulesChanged();
  return tx.db
    .update(automationRules)
    .set({ ...values, updated_at: tx.now })
    .where(and(eq(automationRules.id, id), eq(automationRules.account_id, scope.account.id)))
    .returning()
    .get()!;
}

export function deleteAutomationRule(tx: Tx, scope: AccountScope, id: number): void {
  authorizeAutomation(scope);
  getAutomationRule(tx.db, scope.account.id, id);
  automationRulesChanged();
  tx.db.delete(automationRules).where(and(eq(automationRules.id, id), eq(automationRules.account_id, scope.account.id))).run();
}

/** POST …/automation_rules/{id}/clone: a copy with the same event, conditions, actions and state. */
export function cloneAutomationRule(tx: Tx, scope: AccountScope, id: number): AutomationRuleRow {
  authorizeAutomation(scope);
  const src = getAutomationRule(tx.db, scope.account.id, id);
  automationRulesChanged();
  return tx.db
    .insert(automationRules)
    .values({
      account_id: src.account_id,
      name: src.name,
      description: src.description,
      event_name: src.event_name,
      conditions: src.conditions,
      actions: src.actions,
      active: src.active,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
}

/**
 * What ruleProblem depends on besides the rule: the account's labels, teams, agents, SLA policies, attached files and
 * custom attribute definitions (ids, counts and label/attribute edits). While it reads the same, a rule's problem
 * (or none) stays what it was.
 */
const referencesStatement = preparedFor((db) =>
  db.$client.prepare<{ f: string }, [number]>(
    `SELECT (SELECT count(*) || ',' || coalesce(sum(id), 0) || ',' || coalesce(sum(updated_at % 1000003), 0) FROM labels WHERE account_id = ?1)
       || '|' || (SELECT count(*) || ',' || coalesce(sum(id), 0) FROM teams WHERE account_id = ?1)
       || '|' || (SELECT count(*) || ',' || coalesce(sum(user_id), 0) FROM account_users WHERE account_id = ?1)
       || '|' || (SELECT count(*) || ',' || coalesce(sum(id), 0) FROM sla_policies WHERE account_id = ?1)
       || '|' || (SELECT count(*) || ',' || coalesce(sum(id), 0) FROM automation_files WHERE account_id = ?1)
       || '|' || (SELECT count(*) || ',' || coalesce(sum(id), 0) || ',' || coalesce(sum(updated_at % 1000003), 0) FROM custom_attribute_definitions WHERE account_id = ?1) AS f`,
  ),
);

export function ruleReferences(db: Db, accountId: number): string {
  return referencesStatement(db).get(accountId)!.f;
}

/**
 * What is wrong with a saved rule now (a label, agent or team it names was deleted since), as a sentence for the
 * settings page, or null when it is still valid.
 */
export function ruleProblem(db: Db, rule: AutomationRuleRow, now: number): string | null {
  try {
    validateConditions(db, rule.account_id, rule.conditions, now);
    validateActions(db, rule.account_id, rule.actions, AUTOMATION_ACTIONS);
    return null;
  } catch (err) {
    if (!(err instanceof Validation)) throw err;
    const e = err.errors[0];
    const where = e.field.replace(/^(conditions|actions)\[(\d+)\].*/, (_, kind: string, i: string) => `${kind === "actions" ? "Action" : "Condition"} ${Number(i) + 1}`);
    return `${where}: ${e.message}`;
  }
}

/** The job found the rule invalid: it is disabled (and the settings page says why). */
export function disableInvalidRule(tx: Tx, rule: AutomationRuleRow): void {
  automationRulesChanged();
  tx.db
    .update(automationRules)
    .set({ active: false, updated_at: tx.now })
    .where(and(eq(automationRules.id, rule.id), eq(automationRules.account_id, rule.account_id)))
    .run();
}

/** Chatwoot's automation_rule partial. */
export function automationRuleJson(r: AutomationRuleRow) {
  return {
    id: r.id,
    account_id: r.account_id,
    name: r.name,
    description: r.description,
    event_name: r.event_name,
    conditions: r.conditions,
    actions: r.actions,
    created_on: Math.floor(r.created_at / 1000),
    active: r.active,
  };
}
