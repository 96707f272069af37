import { and, asc, desc, eq, gt, gte, lt, ne } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { messages } from "../../db/schema/conversations.ts";
import type { ConversationRow, MessageRow } from "../conversations/records.ts";

export type MessagePageParams = { before?: number; after?: number; filter_internal_messages?: boolean };

/**
 * Chatwoot's MessageFinder: the 20 latest; `before` an id → the 20 before it; `after` → up to 100 after it;
 * both → those in [after, before) up to 1000. Always oldest first.
 */
export function listMessages(db: Db, conversation: ConversationRow, p: MessagePageParams): MessageRow[] {
  const scope = and(
    eq(messages.conversation_id, conversation.id),
    eq(messages.account_id, conversation.account_id),
    p.filter_internal_messages ? and(eq(messages.private, false), ne(messages.message_type, 2)) : undefined,
  );
  if (p.after !== undefined && p.before !== undefined) {
    return db
      .select()
      .from(messages)
      .where(and(scope, gte(messages.id, p.after), lt(messages.id, p.before)))
      .orderBy(asc(messages.id))
      .limit(1000)
      .all();
  }
  if (p.after !== undefined) {
    return db
      .select()
      .from(messages)
      .where(and(scope, gt(messages.id, p.after)))
      .orderBy(asc(messages.id))
      .limit(100)
      .all();
  }
  return db
    .select()
    .from(messages)
    .where(and(scope, p.before !== undefined ? lt(messages.id, p.before) : undefined))
    .orderBy(desc(messages.id))
    .limit(20)
    .all()
    .reverse();
}
