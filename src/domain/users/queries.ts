import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { cachedRead } from "../../db/read-cache.ts";
import { access_tokens, account_users, accounts, users } from "../../db/schema/accounts.ts";
import { NotFound } from "../errors.ts";
import { normalizeEmail } from "./rules.ts";

export type UserRow = typeof users.$inferSelect;
export type AccountUserRow = typeof account_users.$inferSelect;
export type Membership = AccountUserRow & {
  account_name: string;
  account_status: "active" | "suspended";
  /** The custom role's permission keys when the membership has one. */
  custom_role_permissions: string[] | null;
};

const userById = preparedFor((db) => db.select().from(users).where(eq(users.id, sql.placeholder("id"))).prepare());

export function findUser(db: Db, id: number): UserRow | undefined {
  return userById(db).get({ id });
}

export function getUser(db: Db, id: number): UserRow {
  const user = findUser(db, id);
  if (!user) throw new NotFound("User");
  return user;
}

export function findUserByEmail(db: Db, email: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.email, normalizeEmail(email))).get();
}

const userToken = preparedFor((db) =>
  db
    .select({ token: access_tokens.token })
    .from(access_tokens)
    .where(and(eq(access_tokens.owner_type, "User"), eq(access_tokens.owner_id, sql.placeholder("userId"))))
    .prepare(),
);

export function accessTokenOf(db: Db, userId: number): string | null {
  return userToken(db).get({ userId })?.token ?? null;
}

// Two raw single-table queries sorted in JS: this runs on every profile read and dashboard page, and a
// join, an SQL sort (temp b-tree) and Drizzle's nested-row mapping each cost more than the lookups.
const membershipRows = preparedFor((db) =>
  db.$client.prepare<Omit<AccountUserRow, "auto_offline"> & { auto_offline: number }, [number]>(
    "SELECT * FROM account_users WHERE user_id = ?",
  ),
);
const accountNameStatus = preparedFor((db) =>
  db.$client.prepare<{ name: string; status: "active" | "suspended" }, [number]>("SELECT name, status FROM accounts WHERE id = ?"),
);

const customRolePermissions = preparedFor((db) =>
  db.$client.prepare<{ permissions: string }, [number]>("SELECT permissions FROM custom_roles WHERE id = ?"),
);

/** The user's accounts, most recently active first (Chatwoot's order for the account switcher). */
export function membershipsOf(db: Db, userId: number): Membership[] {
  return cachedRead(db, `memberships:${userId}`, () => loadMemberships(db, userId))!;
}

function loadMemberships(db: Db, userId: number): Membership[] {
  return membershipRows(db)
    .all(userId)
    .map((m) => {
      const account = accountNameStatus(db).get(m.account_id)!;
      const role = m.custom_role_id === null ? null : customRolePermissions(db).get(m.custom_role_id);
      return {
        ...m,
        auto_offline: Boolean(m.auto_offline),
        account_name: account.name,
        account_status: account.status,
        custom_role_permissions: role ? (JSON.parse(role.permissions) as string[]) : null,
      };
    })
    .sort((a, b) => (b.active_at ?? 0) - (a.active_at ?? 0) || a.id - b.id);
}

export function countUsers(db: Db): number {
  const row = db.$client.query("SELECT count(*) AS n FROM users").get() as { n: number };
  return row.n;
}
