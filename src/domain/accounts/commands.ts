import { and, eq } from "drizzle-orm";
import { account_users, accounts, users, type Role } from "../../db/schema/accounts.ts";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import type { Tx } from "../../db/tx.ts";
import { revokeAccessToken } from "../auth/access-tokens.ts";
import { Conflict, NotFound, Validation } from "../errors.ts";
import { assertEmail } from "../users/rules.ts";
import { requireAdministrator, type AccountScope } from "./access.ts";
import { applyFeatureSwitches } from "./features.ts";

export type AccountInput = {
  name?: string;
  locale?: string;
  domain?: string | null;
  support_email?: string | null;
  status?: "active" | "suspended";
  auto_resolve_duration?: number | null;
  settings?: Record<string, unknown>;
  custom_attributes?: Record<string, unknown>;
  /** Chatwoot's account limits (e.g. { agents: 5, inboxes: 10 }); replaces the previous limits. */
  limits?: Record<string, unknown>;
  /** Feature switches { name: on }, applied on top of the account's current flags. */
  features?: Record<string, unknown>;
};

const LOCALE = /^[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?$/;

function checkAccountInput(input: AccountInput) {
  if (input.name !== undefined && !input.name.trim()) throw Validation.field("name", "can't be blank");
  if (input.name !== undefined && input.name.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
  if (input.locale !== undefined && !LOCALE.test(input.locale)) throw Validation.field("locale", "is not a supported locale");
  if (input.domain && input.domain.length > 100) throw Validation.field("domain", "is too long (maximum is 100 characters)");
  if (input.support_email) assertEmail(input.support_email, "support_email");
}

export function createAccount(tx: Tx, input: AccountInput & { name: string }) {
  checkAccountInput(input);
  const account = tx.db
    .insert(accounts)
    .values({
      name: input.name.trim(),
      locale: input.locale ?? "en",
      domain: input.domain ?? null,
      support_email: input.support_email ?? null,
      status: input.status ?? "active",
      auto_resolve_duration: input.auto_resolve_duration ?? null,
      settings: input.settings ?? {},
      feature_flags: input.features ? applyFeatureSwitches({}, input.features) : {},
      limits: input.limits ?? {},
      custom_attributes: input.custom_attributes ?? {},
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  tx.emit("account.created", { account_id: account.id });
  return account;
}

export function updateAccount(tx: Tx, accountId: number, input: AccountInput) {
  checkAccountInput(input);
  const current = tx.db.select().from(accounts).where(eq(accounts.id, accountId)).get();
  if (!current) throw new NotFound("Account");
  const set: Partial<typeof accounts.$inferInsert> = { updated_at: tx.now };
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.locale !== undefined) set.locale = input.locale;
  if (input.domain !== undefined) set.domain = input.domain;
  if (input.support_email !== undefined) set.support_email = input.support_email;
  if (input.status !== undefined) set.status = input.status;
  if (input.auto_resolve_duration !== undefined) set.auto_resolve_duration = input.auto_resolve_duration;
  if (input.settings !== undefined) set.settings = { ...current.settings, ...input.settings };
  if (input.limits !== undefined) set.limits = input.limits;
  if (input.features !== undefined) set.feature_flags = applyFeatureSwitches(current.feature_flags, input.features);
  if (input.custom_attributes !== undefined) set.custom_attributes = { ...current.custom_attributes, ...input.custom_attributes };
  const account = tx.db.update(accounts).set(set).where(eq(accounts.id, accountId)).returning().get();
  tx.emit("account.updated", { account_id: accountId, changed: Object.keys(set).filter((k) => k !== "updated_at") });
  return account;
}

/** Deletes the account and, through foreign keys, everything it owns. Users stay: they may belong elsewhere. */
export function deleteAccount(tx: Tx, accountId: number): void {
  // The account's agent bots go with it (foreign key); their API tokens have no foreign key, so revoke them here.
  for (const bot of tx.db.select({ id: agent_bots.id }).from(agent_bots).where(eq(agent_bots.account_id, accountId)).all()) {
    revokeAccessToken(tx, "AgentBot", bot.id);
  }
  const row = tx.db.delete(accounts).where(eq(accounts.id, accountId)).returning({ id: accounts.id }).get();
  if (!row) throw new NotFound("Account");
  tx.emit("account.deleted", { account_id: accountId });
}

export function addAccountUser(tx: Tx, input: { accountId: number; userId: number; role: Role; inviterId?: number | null }) {
  if (!tx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId)).get()) throw new NotFound("Account");
  if (!tx.db.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).get()) throw new NotFound("User");
  const existing = tx.db
    .select()
    .from(account_users)
    .where(and(eq(account_users.account_id, input.accountId), eq(account_users.user_id, input.userId)))
    .get();
  if (existing) {
    if (existing.role === input.role) return existing;
    throw new Conflict("User is already a member of this account", "user_id");
  }
  const row = tx.db
    .insert(account_users)
    .values({
      account_id: input.accountId,
      user_id: input.userId,
      role: input.role,
      inviter_id: input.inviterId ?? null,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  tx.emit("account_user.created", { account_id: input.accountId, user_id: input.userId, role: input.role });
  return row;
}

export function removeAccountUser(tx: Tx, accountId: number, userId: number): void {
  const row = tx.db
    .delete(account_users)
    .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, userId)))
    .returning({ id: account_users.id })
    .get();
  if (!row) throw new NotFound("Account user");
  tx.emit("account_user.deleted", { account_id: accountId, user_id: userId });
}

/**
 * Chatwoot's Platform API semantics for POST account_users: adds the user to the account, or changes the
 * role of an existing membership. A user id that does not exist is a validation error on `user_id`.
 */
export function setAccountUserRole(tx: Tx, input: { accountId: number; userId: number; role?: Role }) {
  if (!tx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId)).get()) throw new NotFound("Account");
  if (!tx.db.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).get()) throw Validation.field("user_id", "must exist");
  const existing = tx.db
    .select()
    .from(account_users)
    .where(and(eq(account_users.account_id, input.accountId), eq(account_users.user_id, input.userId)))
    .get();
  if (!existing) return addAccountUser(tx, { accountId: input.accountId, userId: input.userId, role: input.role ?? "agent" });
  if (!input.role || existing.role === input.role) return existing;
  const updated = tx.db.update(account_users).set({ role: input.role, updated_at: tx.now }).where(eq(account_users.id, existing.id)).returning().get();
  tx.emit("account_user.updated", { account_id: input.accountId, user_id: input.userId, role: input.role });
  return updated;
}

/** Removes the membership when there is one (Chatwoot answers 200 either way); the account must exist. */
export function removeAccountUserIfMember(tx: Tx, accountId: number, userId: number): boolean {
  if (!tx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).get()) throw new NotFound("Account");
  const member = tx.db
    .select({ id: account_users.id })
    .from(account_users)
    .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, userId)))
    .get();
  if (!member) return false;
  removeAccountUser(tx, accountId, userId);
  return true;
}

/** Account settings an administrator edits through the Application API (Chatwoot's accounts#update). */
export type AccountSettingsInput = Pick<AccountInput, "name" | "locale" | "domain" | "support_email" | "auto_resolve_duration" | "settings" | "custom_attributes">;

/** PATCH /api/v1/accounts/{id}: administrators only; settings and custom attributes merge into the current ones. */
export function updateAccountSettings(tx: Tx, scope: AccountScope, input: AccountSettingsInput) {
  requireAdministrator(scope);
  if (input.auto_resolve_duration !== undefined && input.auto_resolve_duration !== null) {
    if (input.auto_resolve_duration < 10 || input.auto_resolve_duration > 1_439_856) {
      throw Validation.field("auto_resolve_duration", "must be between 10 and 1439856 minutes");
    }
  }
  return updateAccount(tx, scope.account.id, input);
}
