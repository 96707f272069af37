import { and, desc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { account_users, users } from "../../db/schema/accounts.ts";
import { mail_outbox } from "../../db/schema/mail.ts";
import { Forbidden } from "../errors.ts";
import type { Membership, UserRow } from "../users/queries.ts";

export type OutboxMail = typeof mail_outbox.$inferSelect;

/**
 * The mail outbox as one viewer may read it. The outbox holds password-reset and invitation links, so it is
 * scoped like everything else: a SuperAdmin sees every mail; an account administrator sees only mail addressed
 * to members of that account who are not SuperAdmins (besides the administrator), so reading the outbox can
 * never hand over another account's users or the installation owner's account.
 */
export function listOutboxFor(db: Db, viewer: Pick<UserRow, "id" | "type">, membership: Pick<Membership, "account_id" | "role">, limit = 100): OutboxMail[] {
  if (viewer.type === "SuperAdmin") return db.select().from(mail_outbox).orderBy(desc(mail_outbox.id)).limit(limit).all();
  if (membership.role !== "administrator") throw new Forbidden("Only administrators can read the mail outbox");
  const recipients = db
    .select({ email: users.email })
    .from(account_users)
    .innerJoin(users, eq(users.id, account_users.user_id))
    .where(and(eq(account_users.account_id, membership.account_id), or(isNull(users.type), eq(users.id, viewer.id))));
  return db.select().from(mail_outbox).where(inArray(mail_outbox.to_address, recipients)).orderBy(desc(mail_outbox.id)).limit(limit).all();
}
