import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { account_users, accounts } from "../../db/schema/accounts.ts";
import { NotFound } from "../errors.ts";

export type AccountRow = typeof accounts.$inferSelect;

export function getAccount(db: Db, id: number): AccountRow {
  const account = db.select().from(accounts).where(eq(accounts.id, id)).get();
  if (!account) throw new NotFound("Account");
  return account;
}

export function listAccountUsers(db: Db, accountId: number) {
  getAccount(db, accountId);
  return db.select().from(account_users).where(eq(account_users.account_id, accountId)).orderBy(asc(account_users.id)).all();
}

export function listAccounts(db: Db): AccountRow[] {
  return db.select().from(accounts).orderBy(asc(accounts.id)).all();
}
