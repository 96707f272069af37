import { and, eq } from "drizzle-orm";
import { contact_inboxes, contacts, notes } from "../../db/schema/contacts.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { taggings } from "../../db/schema/labels.ts";
import type { Tx } from "../../db/tx.ts";
import type { ChangedAttributes } from "../../events/types.ts";
import type { AccountScope } from "../accounts/access.ts";
import { eventPerformer, performerOf } from "../messages/commands.ts";
import { removeContact } from "./commands.ts";
import { assertCanWriteContacts } from "./policy.ts";
import { getContact, labelsOf } from "./queries.ts";
import type { ContactRow } from "./serialize.ts";

const MERGED_SCALARS = ["identifier", "name", "email", "phone_number"] as const;

function blank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

/** Hash deep merge where the base's present values win (Chatwoot: mergee.deep_merge(base)). */
function deepMerge(mergee: Record<string, unknown>, base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...mergee };
  for (const [key, value] of Object.entries(base)) {
    const under = out[key];
    if (value && typeof value === "object" && !Array.isArray(value) && under && typeof under === "object" && !Array.isArray(under)) {
      out[key] = deepMerge(under as Record<string, unknown>, value as Record<string, unknown>);
    } else if (!blank(value) || !(key in out)) {
      out[key] = value;
    }
  }
  return out;
}

/**
 * POST /actions/contact_merge (Chatwoot's ContactMergeAction), in one transaction: the mergee's
 * conversations, their messages' sender, contact_inboxes, notes and labels move to the base contact; the
 * base keeps its own identifier, name, email and phone number and takes the mergee's where it has none;
 * additional and custom attributes merge with the base winning; then the mergee is deleted.
 */
export function mergeContacts(tx: Tx, scope: AccountScope, baseId: number, mergeeId: number): ContactRow {
  const base = getContact(tx.db, scope.account.id, baseId);
  const mergee = getContact(tx.db, scope.account.id, mergeeId);
  assertCanWriteContacts(scope);
  if (base.id === mergee.id) return base;
  const accountId = scope.account.id;
  const performer = eventPerformer(performerOf(scope));

  const moved = tx.db
    .update(conversations)
    .set({ contact_id: base.id, updated_at: tx.now })
    .where(and(eq(conversations.account_id, accountId), eq(conversations.contact_id, mergee.id)))
    .returning({ id: conversations.id })
    .all();
  tx.db
    .update(messages)
    .set({ sender_id: base.id })
    .where(and(eq(messages.account_id, accountId), eq(messages.sender_type, "Contact"), eq(messages.sender_id, mergee.id)))
    .run();
  tx.db.update(contact_inboxes).set({ contact_id: base.id, updated_at: tx.now }).where(eq(contact_inboxes.contact_id, mergee.id)).run();
  tx.db.update(notes).set({ contact_id: base.id }).where(and(eq(notes.account_id, accountId), eq(notes.contact_id, mergee.id))).run();

  const baseLabels = labelsOf(tx.db, accountId, base.id);
  const extra = labelsOf(tx.db, accountId, mergee.id).filter((l) => !baseLabels.includes(l));
  for (const label of extra) {
    tx.db.insert(taggings).values({ account_id: accountId, taggable_type: "Contact", taggable_id: base.id, label, created_at: tx.now }).run();
  }

  const next: Partial<typeof contacts.$inferInsert> = {};
  for (const key of MERGED_SCALARS) if (blank(base[key]) && !blank(mergee[key])) next[key] = mergee[key] as string;
  next.additional_attributes = deepMerge(mergee.additional_attributes, base.additional_attributes);
  next.custom_attributes = deepMerge(mergee.custom_attributes, base.custom_attributes);
  if (base.last_activity_at === null || (mergee.last_activity_at !== null && mergee.last_activity_at > base.last_activity_at)) {
    next.last_activity_at = mergee.last_activity_at;
  }

  // The mergee goes first: its email or identifier may be the one the base takes over.
  removeContact(tx, scope, mergee);
  for (const { id } of moved) {
    tx.emit("conversation.contact_changed", { account_id: accountId, conversation_id: id, previous_contact_id: mergee.id, ...performer });
  }

  const changed: ChangedAttributes = {};
  for (const [key, value] of Object.entries(next)) {
    const previous = base[key as keyof ContactRow];
    if (JSON.stringify(previous) !== JSON.stringify(value)) changed[key] = { previous_value: previous, current_value: value };
  }
  const merged = tx.db
    .update(contacts)
    .set({ ...next, updated_at: tx.now })
    .where(and(eq(contacts.id, base.id), eq(contacts.account_id, accountId)))
    .returning()
    .get();
  tx.emit("contact.merged", { account_id: accountId, contact_id: base.id, merged_contact_id: mergee.id, ...performer });
  if (Object.keys(changed).length) tx.emit("contact.updated", { account_id: accountId, contact_id: base.id, changed_attributes: changed, ...performer });
  return merged;
}

