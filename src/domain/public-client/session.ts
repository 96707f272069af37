import { and, asc, desc, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts } from "../../db/schema/accounts.ts";
import { contact_inboxes, contacts } from "../../db/schema/contacts.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import { hmacSha256Hex, safeEqual } from "../../lib/crypto.ts";
import type { ChannelRow, ContactInboxRow, ContactRow, ConversationRow, InboxRow, MessageRow } from "../conversations/records.ts";
import { NotFound } from "../errors.ts";

/**
 * Who the client API is talking to. The inbox is named by its public identifier (the API channel's
 * inbox_identifier, or a web widget's website_token); the contact by their session's source_id. Nothing
 * else identifies the caller, so every lookup below is confined to that inbox and that session.
 */
export type PublicInbox = { inbox: InboxRow; channel: ChannelRow };
export type ContactSession = PublicInbox & { contactInbox: ContactInboxRow; contact: ContactRow };

/** Channel kinds reachable through /public/api/v1/inboxes/{inbox_identifier}. */
export const PUBLIC_CHANNEL_TYPES = ["Channel::Api", "Channel::WebWidget"] as const;

/** The inbox of a public identifier in an active account; anything else is 404. */
export function findPublicInbox(db: Db, identifier: string): PublicInbox {
  const row = db
    .select({ inbox: inboxes, channel: channels, status: accounts.status })
    .from(channels)
    .innerJoin(inboxes, eq(inboxes.channel_id, channels.id))
    .innerJoin(accounts, eq(accounts.id, inboxes.account_id))
    .where(and(eq(channels.identifier, identifier), inArray(channels.channel_type, [...PUBLIC_CHANNEL_TYPES])))
    .orderBy(channels.id)
    .get();
  if (!row || row.status !== "active") throw new NotFound("Inbox");
  return { inbox: row.inbox, channel: row.channel };
}

/** The contact session with this source_id in the inbox (never another inbox's), or 404. */
export function findSession(db: Db, where: PublicInbox, sourceId: string): ContactSession {
  const row = db
    .select({ contactInbox: contact_inboxes, contact: contacts })
    .from(contact_inboxes)
    .innerJoin(contacts, eq(contacts.id, contact_inboxes.contact_id))
    .where(and(eq(contact_inboxes.inbox_id, where.inbox.id), eq(contact_inboxes.source_id, sourceId)))
    .get();
  if (!row) throw new NotFound("Contact");
  return { ...where, ...row };
}

/**
 * Chatwoot's identity validation: identifier_hash = hex HMAC-SHA256(channel.hmac_token, identifier).
 * Required when the inbox makes it mandatory or when a hash is sent at all; compared in constant time.
 * Returns "verified" for a matching hash, "skipped" when none was required, "failed" otherwise.
 */
export function checkIdentifierHash(
  channel: Pick<ChannelRow, "hmac_token" | "hmac_mandatory">,
  identifier: string | null | undefined,
  hash: string | null | undefined,
): "verified" | "skipped" | "failed" {
  if (!hash && !channel.hmac_mandatory) return "skipped";
  if (!hash || !channel.hmac_token) return "failed";
  return safeEqual(hash, hmacSha256Hex(channel.hmac_token, String(identifier ?? ""))) ? "verified" : "failed";
}

/**
 * The conversations this session may read: its own, or, once HMAC-verified, every conversation of the
 * contact that belongs to one of the contact's verified sessions in this inbox (multi-device history).
 */
function visibleCondition(db: Db, s: ContactSession) {
  if (!s.contactInbox.hmac_verified) return eq(conversations.contact_inbox_id, s.contactInbox.id);
  const verified = db
    .select({ id: contact_inboxes.id })
    .from(contact_inboxes)
    .where(and(eq(contact_inboxes.contact_id, s.contact.id), eq(contact_inboxes.inbox_id, s.inbox.id), eq(contact_inboxes.hmac_verified, true)))
    .all()
    .map((r) => r.id);
  return inArray(conversations.contact_inbox_id, verified);
}

export function listSessionConversations(db: Db, s: ContactSession): ConversationRow[] {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.account_id, s.inbox.account_id), eq(conversations.inbox_id, s.inbox.id), visibleCondition(db, s)))
    .orderBy(desc(conversations.id))
    .all();
}

/** One conversation by display id, only when this session may read it; otherwise 404 (never 403: no probing). */
export function getSessionConversation(db: Db, s: ContactSession, displayId: number): ConversationRow {
  const row = db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.account_id, s.inbox.account_id),
        eq(conversations.display_id, displayId),
        eq(conversations.inbox_id, s.inbox.id),
        visibleCondition(db, s),
      ),
    )
    .get();
  if (!row) throw new NotFound("Conversation");
  return row;
}

/** Conversation#messages.chat: the public conversation (no private notes, no activity), oldest first. */
export function chatMessages(db: Db, c: ConversationRow, limit = 1000): MessageRow[] {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.conversation_id, c.id), eq(messages.account_id, c.account_id), eq(messages.private, false), ne(messages.message_type, 2)))
    .orderBy(asc(messages.id))
    .limit(limit)
    .all();
}
