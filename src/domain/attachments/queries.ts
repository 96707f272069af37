import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { attachments, conversations, messages } from "../../db/schema/conversations.ts";
import type { AccountScope } from "../accounts/access.ts";
import { canSeeConversation, conversationAccess } from "../conversations/policy.ts";
import { NotFound } from "../errors.ts";
import type { AttachmentRow } from "./serialize.ts";

/** An attachment the actor may download: in their account, on a conversation they can see. */
export function getVisibleAttachment(db: Db, scope: AccountScope, id: number): AttachmentRow {
  const row = db
    .select({ attachment: attachments, conversation: conversations })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.message_id))
    .innerJoin(conversations, eq(conversations.id, messages.conversation_id))
    .where(and(eq(attachments.id, id), eq(attachments.account_id, scope.account.id)))
    .get();
  if (!row || !row.attachment.storage_key || !canSeeConversation(db, conversationAccess(db, scope), row.conversation)) throw new NotFound("Attachment");
  return row.attachment;
}

export const ATTACHMENTS_PER_PAGE = 100;

/** GET /conversations/{id}/attachments: the conversation's files, newest first, with their messages. */
export function listConversationAttachments(db: Db, conversationId: number, accountId: number, page: number) {
  const where = and(eq(messages.conversation_id, conversationId), eq(attachments.account_id, accountId));
  const rows = db
    .select({ attachment: attachments, message: messages })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.message_id))
    .where(where)
    .orderBy(desc(attachments.id))
    .limit(ATTACHMENTS_PER_PAGE)
    .offset((page - 1) * ATTACHMENTS_PER_PAGE)
    .all();
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.message_id))
    .where(where)
    .get()!.n;
  return { rows, total };
}
