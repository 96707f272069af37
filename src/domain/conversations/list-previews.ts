// What the dashboard's conversation list shows of each conversation beyond its row: the last message that is
// not an activity line (excerpt, note or reply, attachments) and the unread count. Two indexed lookups per
// conversation instead of the API's full message payloads, so a list page stays a few milliseconds.
import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { attachments, messages } from "../../db/schema/conversations.ts";
import { unreadIncomingCount, type ConversationRow } from "./records.ts";

export type MessagePreview = { content: string | null; private: boolean; messageType: number; attachments: number };
export type ConversationPreview = { last: MessagePreview | null; unread: number };

const lastNonActivity = preparedFor((db) =>
  db
    .select({
      content: messages.content,
      private: messages.private,
      messageType: messages.message_type,
      attachments: sql<number>`(SELECT count(*) FROM ${attachments} WHERE ${attachments.message_id} = ${messages.id})`,
    })
    .from(messages)
    .where(and(eq(messages.conversation_id, sql.placeholder("id")), ne(messages.message_type, 2)))
    .orderBy(desc(messages.id))
    .limit(1)
    .prepare(),
);

/** Previews of conversations already visible to the viewer (rows of listConversations), by conversation id. */
export function conversationPreviews(db: Db, rows: Pick<ConversationRow, "id" | "agent_last_seen_at">[]): Map<number, ConversationPreview> {
  const st = lastNonActivity(db);
  const out = new Map<number, ConversationPreview>();
  for (const row of rows) out.set(row.id, { last: st.get({ id: row.id }) ?? null, unread: unreadIncomingCount(db, row) });
  return out;
}
