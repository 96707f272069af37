import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { sla_policies } from "../../db/schema/sla.ts";
import type { Tx } from "../../db/tx.ts";
import { unixSeconds } from "../../lib/clock.ts";
import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { Forbidden, NotFound, Validation, type FieldError } from "../errors.ts";
import { reevaluatePolicy } from "./engine.ts";

export type SlaPolicyRow = typeof sla_policies.$inferSelect;

export const THRESHOLDS = ["first_response_time_threshold", "next_response_time_threshold", "resolution_time_threshold"] as const;
export type ThresholdKey = (typeof THRESHOLDS)[number];
/** Ten years: anything longer is a typo, and keeps due times inside safe integers. */
export const MAX_THRESHOLD_SECONDS = 10 * 365 * 86_400;
const NAME_MAX = 255;
const DESCRIPTION_MAX = 10_000;

export type SlaPolicyInput = {
  name?: unknown;
  description?: unknown;
  first_response_time_threshold?: unknown;
  next_response_time_threshold?: unknown;
  resolution_time_threshold?: unknown;
  only_during_business_hours?: unknown;
};

/** Everyone in the account sees the policies (the conversation sidebar shows them); administrators manage them. */
export function canManageSlaPolicies(scope: AccountScope): boolean {
  return isAdministrator(scope);
}

function threshold(value: unknown, field: string, errors: FieldError[]): number | null {
  if (value === null || value === "") return null;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) {
    errors.push({ field, message: "must be a number of seconds" });
    return null;
  }
  if (n <= 0) errors.push({ field, message: "must be greater than 0" });
  else if (n > MAX_THRESHOLD_SECONDS) errors.push({ field, message: `must be at most ${MAX_THRESHOLD_SECONDS} seconds (ten years)` });
  return n;
}

function bool(value: unknown, field: string, errors: FieldError[]): boolean {
  if (value === true || value === "true" || value === "1" || value === 1 || value === "on") return true;
  if (value === false || value === "false" || value === "0" || value === 0 || value === null || value === "") return false;
  errors.push({ field, message: "must be true or false" });
  return false;
}

/** Validates a whole policy (the stored one with the input over it): every bad field is named at once. */
function validated(input: SlaPolicyInput, current: SlaPolicyRow | null) {
  const errors: FieldError[] = [];
  let name = current?.name ?? "";
  if (input.name !== undefined || !current) {
    if (typeof input.name !== "string" || !input.name.trim()) errors.push({ field: "name", message: "can't be blank" });
    else if (input.name.trim().length > NAME_MAX) errors.push({ field: "name", message: `is too long (maximum is ${NAME_MAX} characters)` });
    else name = input.name.trim();
  }
  let description = current?.description ?? null;
  if (input.description !== undefined) {
    if (input.description === null || input.description === "") description = null;
    else if (typeof input.description !== "string") errors.push({ field: "description", message: "must be a string" });
    else if (input.description.length > DESCRIPTION_MAX) errors.push({ field: "description", message: `is too long (maximum is ${DESCRIPTION_MAX} characters)` });
    else description = input.description;
  }
  const values = {} as Record<ThresholdKey, number | null>;
  for (const key of THRESHOLDS) values[key] = input[key] !== undefined ? threshold(input[key], key, errors) : (current?.[key] ?? null);
  const only =
    input.only_during_business_hours !== undefined ? bool(input.only_during_business_hours, "only_during_business_hours", errors) : (current?.only_during_business_hours ?? false);
  if (!errors.length && THRESHOLDS.every((k) => values[k] == null)) {
    errors.push({ field: "first_response_time_threshold", message: "at least one of the first response, next response and resolution times is needed" });
  }
  if (errors.length) throw new Validation(errors);
  return { name, description, ...values, only_during_business_hours: only };
}

export function listSlaPolicies(db: Db, accountId: number): SlaPolicyRow[] {
  return db.select().from(sla_policies).where(eq(sla_policies.account_id, accountId)).orderBy(asc(sla_policies.id)).all();
}

const policyById = preparedFor((db) =>
  db.$client.prepare<Omit<SlaPolicyRow, "only_during_business_hours"> & { only_during_business_hours: number }, [number, number]>(
    "SELECT * FROM sla_policies WHERE account_id = ?1 AND id = ?2",
  ),
);

/** Raw statement: read with every evaluation of a conversation's SLA. */
export function findSlaPolicy(db: Db, accountId: number, id: number): SlaPolicyRow | null {
  const row = policyById(db).get(accountId, id);
  return row ? { ...row, only_during_business_hours: row.only_during_business_hours === 1 } : null;
}

export function getSlaPolicy(db: Db, accountId: number, id: number): SlaPolicyRow {
  const p = findSlaPolicy(db, accountId, id);
  if (!p) throw new NotFound("SLA policy");
  return p;
}

export function createSlaPolicy(tx: Tx, scope: AccountScope, input: SlaPolicyInput): SlaPolicyRow {
  if (!canManageSlaPolicies(scope)) throw new Forbidden();
  const v = validated(input, null);
  return tx.db
    .insert(sla_policies)
    .values({ account_id: scope.account.id, ...v, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

/**
 * A changed threshold applies at once to the conversations already under the policy: their SLAs are evaluated
 * again (due times are computed from the policy each time) and their timers re-planned.
 */
export function updateSlaPolicy(tx: Tx, scope: AccountScope, id: number, input: SlaPolicyInput): SlaPolicyRow {
  if (!canManageSlaPolicies(scope)) throw new Forbidden();
  const current = getSlaPolicy(tx.db, scope.account.id, id);
  const v = validated(input, current);
  const updated = tx.db.update(sla_policies).set({ ...v, updated_at: tx.now }).where(eq(sla_policies.id, current.id)).returning().get();
  const timing = THRESHOLDS.some((k) => updated[k] !== current[k]) || updated.only_during_business_hours !== current.only_during_business_hours;
  if (timing) reevaluatePolicy(tx, scope.account.id, updated.id);
  return updated;
}

/**
 * Deleting a policy (Chatwoot: conversations nullified, applied SLAs destroyed): the conversations lose their
 * sla_policy_id, and the applied SLAs with their events go with the policy (foreign keys). Returns the ids of the
 * conversations that had it, so their payloads can be announced.
 */
export function deleteSlaPolicy(tx: Tx, scope: AccountScope, id: number): number[] {
  if (!canManageSlaPolicies(scope)) throw new Forbidden();
  const current = getSlaPolicy(tx.db, scope.account.id, id);
  const affected = tx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.account_id, scope.account.id), eq(conversations.sla_policy_id, current.id)))
    .all()
    .map((r) => r.id);
  tx.db.delete(sla_policies).where(eq(sla_policies.id, current.id)).run();
  return affected;
}

/** api/v1/models/_sla_policy. */
export function slaPolicyJson(p: SlaPolicyRow) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    first_response_time_threshold: p.first_response_time_threshold,
    next_response_time_threshold: p.next_response_time_threshold,
    resolution_time_threshold: p.resolution_time_threshold,
    only_during_business_hours: p.only_during_business_hours,
    created_at: unixSeconds(p.created_at),
  };
}
