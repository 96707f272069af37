import { and, eq } from "drizzle-orm";
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
