import { and, desc, eq, gt, asc, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { messages } from "../../db/schema/conversations.ts";
import type { ConversationRow, MessageRow } from "../conversations/records.ts";

// The dashboard's timeline of one conversation: pages walk the (conversation_id, id) index backwards,
// so the cost of a page does not depend on the length of the conversation.

export const TIMELINE_PAGE_SIZE = 50;

const latest = preparedFor((db) =>
  db
    .select()
    .from(messages)
    .where(and(eq(messages.conversation_id, sql.placeholder("conversation")), eq(messages.account_id, sql.placeholder("account"))))
    .orderBy(desc(messages.id))
    .limit(sql.placeholder("limit"))
    .prepare(),
);

const beforeId = preparedFor((db) =>
  db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversation_id, sql.placeholder("conversation")),
        eq(messages.account_id, sql.placeholder("account")),
        lt(messages.id, sql.placeholder("before")),
      ),
    )
    .orderBy(desc(messages.id))
    .limit(sql.placeholder("limit"))
    .prepare(),
);

/**
 * One page of the timeline, oldest first: the latest messages, or those before a message id.
 * `hasOlder` says whether another page exists before the first one returned.
 */
export function timelinePage(db: Db, conversation: ConversationRow, before?: number, size = TIMELINE_PAGE_SIZE): { rows: MessageRow[]; hasOlder: boolean } {
  const params = { conversation: conversation.id, account: conversation.account_id, limit: size + 1 };
  const rows = before === undefined ? latest(db).all(params) : beforeId(db).all({ ...params, before });
  const hasOlder = rows.length > size;
  return { rows: rows.slice(0, size).reverse(), hasOlder };
}

/** Messages after a known id (what a live timeline missed), oldest first, at most 100. */
export function timelineAfter(db: Db, conversation: ConversationRow, after: number): MessageRow[] {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.conversation_id, conversation.id), eq(messages.account_id, conversation.account_id), gt(messages.id, after)))
    .orderBy(asc(messages.id))
    .limit(100)
    .all();
}

/** One message of the conversation, or undefined. */
export function conversationMessage(db: Db, conversation: ConversationRow, id: number): MessageRow | undefined {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.conversation_id, conversation.id), eq(messages.account_id, conversation.account_id)))
    .get();
}
