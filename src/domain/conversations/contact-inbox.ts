import { and, desc, eq } from "drizzle-orm";
import { contact_inboxes } from "../../db/schema/contacts.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import { randomToken, uuid } from "../../lib/ids.ts";
import { Validation } from "../errors.ts";
import type { ContactInboxRow, ContactRow, InboxRow } from "./records.ts";

/**
 * ContactInboxBuilder as conversation create needs it: the contact's session in the inbox with the given
 * source_id (or their latest session there, or a new one with a generated UUID source_id). A source_id
 * already used by another contact in that inbox is refused.
 */
export function findOrCreateContactInbox(tx: Tx, contact: ContactRow, inbox: InboxRow, sourceId?: string | null): ContactInboxRow {
  if (sourceId) {
    const existing = tx.db
      .select()
      .from(contact_inboxes)
      .where(and(eq(contact_inboxes.inbox_id, inbox.id), eq(contact_inboxes.source_id, sourceId)))
      .get();
    if (existing) {
      if (existing.contact_id !== contact.id) throw Validation.field("source_id", "should be unique");
      return existing;
    }
  } else {
    const latest = tx.db
      .select()
      .from(contact_inboxes)
      .where(and(eq(contact_inboxes.inbox_id, inbox.id), eq(contact_inboxes.contact_id, contact.id)))
      .orderBy(desc(contact_inboxes.id))
      .get();
    if (latest) return latest;
  }
  return tx.db
    .insert(contact_inboxes)
    .values({
      contact_id: contact.id,
      inbox_id: inbox.id,
      source_id: sourceId || uuid(),
      pubsub_token: randomToken(24),
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
}

/** A contact session of the account by source_id (optionally within one inbox). */
export function findContactInboxBySource(tx: Tx, accountId: number, sourceId: string, inboxId?: number): ContactInboxRow | undefined {
  return tx.db
    .select({ ci: contact_inboxes })
    .from(contact_inboxes)
    .innerJoin(inboxes, eq(inboxes.id, contact_inboxes.inbox_id))
    .where(
      and(
        eq(inboxes.account_id, accountId),
        eq(contact_inboxes.source_id, sourceId),
        inboxId !== undefined ? eq(contact_inboxes.inbox_id, inboxId) : undefined,
      ),
    )
    .orderBy(desc(contact_inboxes.id))
    .get()?.ci;
}
