import { and, eq } from "drizzle-orm";
import { account_users, accounts, users, type Role } from "../../db/schema/accounts.ts";
import type { Tx } from "../../db/tx.ts";
import { Conflict, NotFound, Validation } from "../errors.ts";
import { assertEmail } from "../users/rules.ts";

export type AccountInput = {
  name?: string;
  locale?: string;
  domain?: string | null;
  support_email?: string | null;
  status?: "active" | "suspended";
  auto_resolve_duration?: number | null;
  settings?: Record<string, unknown>;
  custom_attributes?: Record<string, unknown>;
};

function checkAccountInput(input: AccountInput) {
  if (input.name !== undefined && !input.name.trim()) throw Validation.field("name", "can't be blank");
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
  if (input.custom_attributes !== undefined) set.custom_attributes = { ...current.custom_attributes, ...input.custom_attributes };
  const account = tx.db.update(accounts).set(set).where(eq(accounts.id, accountId)).returning().get();
  tx.emit("account.updated", { account_id: accountId, changed: Object.keys(set).filter((k) => k !== "updated_at") });
  return account;
}

/** Deletes the account and, through foreign keys, everything it owns. Users stay: they may belong elsewhere. */
export function deleteAccount(tx: Tx, accountId: number): void {
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
