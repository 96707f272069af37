import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { access_tokens, account_users, accounts, users } from "../../db/schema/accounts.ts";
import { NotFound } from "../errors.ts";
import { normalizeEmail } from "./rules.ts";

export type UserRow = typeof users.$inferSelect;
export type AccountUserRow = typeof account_users.$inferSelect;
export type Membership = AccountUserRow & { account_name: string; account_status: "active" | "suspended" };

export function findUser(db: Db, id: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function getUser(db: Db, id: number): UserRow {
  const user = findUser(db, id);
  if (!user) throw new NotFound("User");
  return user;
}

export function findUserByEmail(db: Db, email: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.email, normalizeEmail(email))).get();
}

export function accessTokenOf(db: Db, userId: number): string | null {
  const row = db
    .select({ token: access_tokens.token })
    .from(access_tokens)
    .where(and(eq(access_tokens.owner_type, "User"), eq(access_tokens.owner_id, userId)))
    .get();
  return row?.token ?? null;
}

/** The user's accounts, most recently active first (Chatwoot's order for the account switcher). */
export function membershipsOf(db: Db, userId: number): Membership[] {
  return db
    .select({ au: account_users, account_name: accounts.name, account_status: accounts.status })
    .from(account_users)
    .innerJoin(accounts, eq(accounts.id, account_users.account_id))
    .where(eq(account_users.user_id, userId))
    .orderBy(asc(account_users.id))
    .all()
    .map((r) => ({ ...r.au, account_name: r.account_name, account_status: r.account_status }))
    .sort((a, b) => (b.active_at ?? 0) - (a.active_at ?? 0) || a.id - b.id);
}

export function countUsers(db: Db): number {
  const row = db.$client.query("SELECT count(*) AS n FROM users").get() as { n: number };
  return row.n;
}
