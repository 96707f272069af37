import { and, asc, eq, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { account_users, users } from "../../db/schema/accounts.ts";
import { inbox_members } from "../../db/schema/inboxes.ts";
import type { ConversationRow } from "./records.ts";

export type MentionableAgent = { id: number; name: string; email: string; avatar_url: string | null };

/**
 * Agents who may be @-mentioned in a private note of this conversation: the members of its inbox and the
 * account's administrators (those Messages::MentionService accepts), matched on name or email.
 */
export function mentionableAgents(db: Db, conversation: ConversationRow, query: string, limit = 8): MentionableAgent[] {
  const q = query.trim().toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const pattern = `%${q}%`;
  const rows = db
    .select({ id: users.id, name: users.name, display_name: users.display_name, email: users.email, avatar_url: users.avatar_url })
    .from(account_users)
    .innerJoin(users, eq(users.id, account_users.user_id))
    .where(
      and(
        eq(account_users.account_id, conversation.account_id),
        or(
          eq(account_users.role, "administrator"),
          sql`EXISTS (SELECT 1 FROM ${inbox_members} WHERE ${inbox_members.inbox_id} = ${conversation.inbox_id} AND ${inbox_members.user_id} = ${users.id})`,
        ),
        q
          ? or(
              sql`lower(${users.name}) LIKE ${pattern} ESCAPE '\\'`,
              sql`lower(coalesce(${users.display_name}, '')) LIKE ${pattern} ESCAPE '\\'`,
              sql`lower(${users.email}) LIKE ${pattern} ESCAPE '\\'`,
            )
          : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit)
    .all();
  return rows.map((r) => ({ id: r.id, name: r.display_name?.trim() || r.name, email: r.email, avatar_url: r.avatar_url }));
}
