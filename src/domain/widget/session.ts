import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts } from "../../db/schema/accounts.ts";
import { contact_inboxes, contacts } from "../../db/schema/contacts.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import type { Tx } from "../../db/tx.ts";
import { randomToken, uuid } from "../../lib/ids.ts";
import { widgetConfigOf, type WidgetConfig } from "../../channels/web-widget/config.ts";
import type { ChannelRow, ContactInboxRow, ContactRow, ConversationRow, InboxRow } from "../conversations/records.ts";
import { Forbidden, NotFound, Unauthorized } from "../errors.ts";

/** A website inbox found by its public website_token. */
export type WebWidget = { inbox: InboxRow; channel: ChannelRow; widget: WidgetConfig; account: { id: number; name: string; locale: string } };

/** The visitor of a widget request: their session (contact_inbox) and contact in that inbox. */
export type Visitor = { contactInbox: ContactInboxRow; contact: ContactRow };

/** WebsiteTokenHelper#set_web_widget: an unknown token is "not found"; a suspended account is refused. */
export function findWebWidget(db: Db, websiteToken: string | undefined): WebWidget {
  if (!websiteToken) throw new NotFound("Web widget");
  const row = db
    .select({ inbox: inboxes, channel: channels, account: accounts })
    .from(channels)
    .innerJoin(inboxes, eq(inboxes.channel_id, channels.id))
    .innerJoin(accounts, eq(accounts.id, channels.account_id))
    .where(and(eq(channels.channel_type, "Channel::WebWidget"), eq(channels.identifier, websiteToken)))
    .get();
  if (!row) throw new NotFound("Web widget");
  if (row.account.status === "suspended") throw new Unauthorized("Account is suspended");
  return {
    inbox: row.inbox,
    channel: row.channel,
    widget: widgetConfigOf(row.channel),
    account: { id: row.account.id, name: row.account.name, locale: row.account.locale },
  };
}

/** Host names allowed by `allowed_domains` ("example.com, *.example.org"). */
function hostAllowed(allowed: string, host: string): boolean {
  const h = host.toLowerCase();
  return allowed
    .split(",")
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean)
    .some((d) => (d.startsWith("*.") ? h === d.slice(2) || h.endsWith(d.slice(1)) : h === d || h === d.split(":")[0]));
}

/**
 * Allowed origins: with `allowed_domains` set, a browser request from another site (its Origin neither Parley
 * itself, where the widget iframe lives, nor a listed domain) is refused.
 */
export function assertOriginAllowed(w: WebWidget, origin: string | undefined | null, ownOrigin: string): void {
  if (!w.widget.allowed_domains || !origin) return;
  if (origin === ownOrigin) return;
  let host: string;
  try {
    const u = new URL(origin);
    host = u.port ? `${u.hostname}:${u.port}` : u.hostname;
    if (hostAllowed(w.widget.allowed_domains, u.hostname) || hostAllowed(w.widget.allowed_domains, host)) return;
  } catch {
    // an unparsable Origin is not allowed
  }
  throw new Forbidden("This website is not allowed to use the widget");
}

/** The visitor session named by a token's source_id in this inbox, or null. */
export function findVisitor(db: Db, w: WebWidget, sourceId: string | null | undefined): Visitor | null {
  if (!sourceId) return null;
  const row = db
    .select({ contactInbox: contact_inboxes, contact: contacts })
    .from(contact_inboxes)
    .innerJoin(contacts, eq(contacts.id, contact_inboxes.contact_id))
    .where(and(eq(contact_inboxes.inbox_id, w.inbox.id), eq(contact_inboxes.source_id, sourceId), eq(contacts.account_id, w.inbox.account_id)))
    .get();
  return row ?? null;
}

const ADJECTIVES = ["quiet", "bright", "gentle", "swift", "calm", "bold", "misty", "sunny", "silent", "lively", "amber", "crimson"];
const NOUNS = ["river", "meadow", "forest", "harbor", "cloud", "breeze", "canyon", "island", "valley", "comet", "pine", "dawn"];

/** A friendly name for an anonymous visitor ("quiet-river-482"), as Chatwoot names them. */
function visitorName(): string {
  const r = crypto.getRandomValues(new Uint32Array(3));
  return `${ADJECTIVES[r[0] % ADJECTIVES.length]}-${NOUNS[r[1] % NOUNS.length]}-${r[2] % 1000}`;
}

/** A new anonymous contact with a session in the widget's inbox (Channel::WebWidget#create_contact_inbox). */
export function createVisitor(tx: Tx, w: WebWidget, additional: Record<string, unknown> = {}): Visitor {
  const contact = tx.db
    .insert(contacts)
    .values({ account_id: w.inbox.account_id, name: visitorName(), additional_attributes: additional, custom_attributes: {}, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
  tx.emit("contact.created", { account_id: w.inbox.account_id, contact_id: contact.id });
  const contactInbox = openSession(tx, w, contact.id);
  return { contact, contactInbox };
}

export function openSession(tx: Tx, w: WebWidget, contactId: number): ContactInboxRow {
  return tx.db
    .insert(contact_inboxes)
    .values({ contact_id: contactId, inbox_id: w.inbox.id, source_id: uuid(), pubsub_token: randomToken(24), created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

/**
 * The visitor's conversations in this inbox (BaseController#conversations): an HMAC-verified visitor sees those
 * of all their verified sessions in the inbox (multi-device history); anyone else only their own session's.
 */
export function visitorConversations(db: Db, w: WebWidget, v: Visitor): ConversationRow[] {
  let sessionIds = [v.contactInbox.id];
  if (v.contactInbox.hmac_verified) {
    sessionIds = db
      .select({ id: contact_inboxes.id })
      .from(contact_inboxes)
      .where(and(eq(contact_inboxes.contact_id, v.contact.id), eq(contact_inboxes.inbox_id, w.inbox.id), eq(contact_inboxes.hmac_verified, true)))
      .all()
      .map((r) => r.id);
  }
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.account_id, w.inbox.account_id), eq(conversations.inbox_id, w.inbox.id), eq(conversations.contact_id, v.contact.id), inArray(conversations.contact_inbox_id, sessionIds)))
    .orderBy(asc(conversations.id))
    .all();
}

/** BaseController#conversation: the visitor's latest conversation, or null. */
export function currentConversation(db: Db, w: WebWidget, v: Visitor): ConversationRow | null {
  const all = visitorConversations(db, w, v);
  return all.length ? all[all.length - 1] : null;
}

/** The latest conversation of a session, for webhook payloads (ContactInbox#current_conversation). */
export function latestConversationOfSession(db: Db, contactInboxId: number): ConversationRow | undefined {
  return db.select().from(conversations).where(eq(conversations.contact_inbox_id, contactInboxId)).orderBy(desc(conversations.id)).get();
}
