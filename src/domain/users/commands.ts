import { and, eq, ne } from "drizzle-orm";
import { account_users, sessions, users, type Availability } from "../../db/schema/accounts.ts";
import type { Tx } from "../../db/tx.ts";
import { randomToken } from "../../lib/ids.ts";
import { issueAccessToken, revokeAccessToken } from "../auth/access-tokens.ts";
import { Conflict, NotFound } from "../errors.ts";
import { assertEmail, normalizeEmail } from "./rules.ts";
import { availabilityChanged } from "../assignment/triggers.ts";

export type NewUser = {
  name: string;
  email: string;
  /** Already hashed with hashPassword(); null for an invited user who sets a password later. */
  passwordHash: string | null;
  displayName?: string | null;
  avatarUrl?: string | null;
  confirmed?: boolean;
  type?: "SuperAdmin" | null;
  customAttributes?: Record<string, unknown>;
};

export function createUser(tx: Tx, input: NewUser) {
  const email = normalizeEmail(input.email);
  assertEmail(email);
  if (tx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
    throw new Conflict("Email has already been taken", "email");
  }
  const user = tx.db
    .insert(users)
    .values({
      name: input.name.trim(),
      display_name: input.displayName ?? null,
      email,
      encrypted_password: input.passwordHash,
      avatar_url: input.avatarUrl ?? null,
      confirmed_at: input.confirmed ? tx.now : null,
      pubsub_token: randomToken(24),
      password_changed_at: input.passwordHash ? tx.now : null,
      type: input.type ?? null,
      custom_attributes: input.customAttributes ?? {},
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  issueAccessToken(tx, "User", user.id);
  tx.emit("user.created", { user_id: user.id });
  return user;
}

export type UserPatch = Partial<{
  name: string;
  displayName: string | null;
  email: string;
  avatarUrl: string | null;
  messageSignature: string | null;
  uiSettings: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
  passwordHash: string;
  confirmed: boolean;
}>;

export function updateUser(tx: Tx, userId: number, patch: UserPatch) {
  const user = tx.db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new NotFound("User");
  const set: Partial<typeof users.$inferInsert> = { updated_at: tx.now };
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.displayName !== undefined) set.display_name = patch.displayName;
  if (patch.avatarUrl !== undefined) set.avatar_url = patch.avatarUrl;
  if (patch.messageSignature !== undefined) set.message_signature = patch.messageSignature;
  if (patch.uiSettings !== undefined) set.ui_settings = { ...user.ui_settings, ...patch.uiSettings };
  if (patch.customAttributes !== undefined) set.custom_attributes = patch.customAttributes;
  if (patch.confirmed !== undefined) set.confirmed_at = patch.confirmed ? (user.confirmed_at ?? tx.now) : null;
  if (patch.email !== undefined) {
    const email = normalizeEmail(patch.email);
    assertEmail(email);
    const taken = tx.db.select({ id: users.id }).from(users).where(and(eq(users.email, email), ne(users.id, userId))).get();
    if (taken) throw new Conflict("Email has already been taken", "email");
    set.email = email;
  }
  if (patch.passwordHash !== undefined) {
    set.encrypted_password = patch.passwordHash;
    set.password_changed_at = tx.now;
  }
  const updated = tx.db.update(users).set(set).where(eq(users.id, userId)).returning().get();
  const changed = Object.keys(set).filter((k) => k !== "updated_at" && k !== "encrypted_password");
  tx.emit("user.updated", { user_id: userId, changed });
  return updated;
}

/** A password change ends every other session of the user (and every session when keepSessionId is null). */
export function setPassword(tx: Tx, userId: number, passwordHash: string, keepSessionId: number | null) {
  const user = updateUser(tx, userId, { passwordHash, confirmed: true });
  const others = keepSessionId === null ? eq(sessions.user_id, userId) : and(eq(sessions.user_id, userId), ne(sessions.id, keepSessionId));
  tx.db.delete(sessions).where(others).run();
  return user;
}

export function deleteUser(tx: Tx, userId: number): void {
  const deleted = tx.db.delete(users).where(eq(users.id, userId)).returning({ id: users.id }).get();
  if (!deleted) throw new NotFound("User");
  revokeAccessToken(tx, "User", userId);
  tx.emit("user.deleted", { user_id: userId });
}

export function resetAccessToken(tx: Tx, userId: number): string {
  return issueAccessToken(tx, "User", userId);
}

export function setAvailability(tx: Tx, userId: number, accountId: number, availability: Availability): void {
  const row = tx.db
    .update(account_users)
    .set({ availability, updated_at: tx.now })
    .where(and(eq(account_users.user_id, userId), eq(account_users.account_id, accountId)))
    .returning({ id: account_users.id })
    .get();
  if (!row) throw new NotFound("Account");
  tx.emit("presence.update", { account_id: accountId, user_id: userId, availability });
  if (availability !== "busy") availabilityChanged(tx, accountId, userId, availability === "online");
}

export function setAutoOffline(tx: Tx, userId: number, accountId: number, autoOffline: boolean): void {
  const row = tx.db
    .update(account_users)
    .set({ auto_offline: autoOffline, updated_at: tx.now })
    .where(and(eq(account_users.user_id, userId), eq(account_users.account_id, accountId)))
    .returning({ id: account_users.id })
    .get();
  if (!row) throw new NotFound("Account");
}

/** Remembers which account the user works in last (Chatwoot's active_at), for the account switcher. */
export function markAccountActive(tx: Tx, userId: number, accountId: number): void {
  tx.db
    .update(account_users)
    .set({ active_at: tx.now })
    .where(and(eq(account_users.user_id, userId), eq(account_users.account_id, accountId)))
    .run();
}
