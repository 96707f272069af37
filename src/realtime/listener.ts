// Domain event → Chatwoot realtime event (Chatwoot's ActionCableListener): the payload, built once from the
// committed state, and who may receive it. Runs after commit (a live listener); nothing here can fail a request.
//
// Recipients: "inbox users" = the account's administrators plus the agents who may see the conversation
// (inbox or team members, narrowed by a custom role's reach: the same rule as the conversations API); the
// contact = the conversation's contact_inbox session (or every verified session of a verified contact), for
// public events only (never private notes or activity); contact.* events to every subscribed user of the
// account; notifications to their user; presence to the account.
import type { Statement } from "bun:sqlite";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { preparedFor } from "../db/prepared.ts";
import { conversations, messages } from "../db/schema/conversations.ts";
import { contacts } from "../db/schema/contacts.ts";
import { notifications } from "../db/schema/notifications.ts";
import type { AppDeps } from "../deps.ts";
import { conversationReach, effectivePermissions } from "../domain/accounts/access.ts";
import { contactPushEventData } from "../domain/contacts/serialize.ts";
import { Records, type ConversationRow } from "../domain/conversations/records.ts";
import { canSeeConversation, type ConversationAccess } from "../domain/conversations/policy.ts";
import { conversationPushData } from "../domain/conversations/serialize.ts";
import { messageEventData } from "../domain/messages/serialize.ts";
import { botPushData, userPushData } from "../domain/messages/push.ts";
import { notificationsJson } from "../domain/notifications/serialize.ts";
import { unreadNotificationCount } from "../domain/notifications/queries.ts";
import type { ChangedAttributes, DomainEvent, EventName, EventPerformer } from "../events/types.ts";
import { AccountCacheKeys } from "./cache-keys.ts";
import type { ContactSubscription, Hub } from "./hub.ts";
import { presencePayload, type PresenceTracker } from "./presence.ts";

/** The realtime events Parley broadcasts (Chatwoot's names). */
export const REALTIME_EVENTS = [
  "message.created",
  "message.updated",
  "first.reply.created",
  "conversation.created",
  "conversation.updated",
  "conversation.status_changed",
  "conversation.read",
  "conversation.contact_changed",
  "conversation.typing_on",
  "conversation.typing_off",
  "conversation.mentioned",
  "assignee.changed",
  "team.changed",
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "contact.merged",
  "notification.created",
  "notification.updated",
  "notification.deleted",
  "presence.update",
  "account.cache_invalidated",
] as const satisfies readonly EventName[];

const conversationById = preparedFor((db) =>
  db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, sql.placeholder("id")), eq(conversations.account_id, sql.placeholder("account"))))
    .prepare(),
);
const messageById = preparedFor((db) =>
  db
    .select()
    .from(messages)
    .where(and(eq(messages.id, sql.placeholder("id")), eq(messages.account_id, sql.placeholder("account"))))
    .prepare(),
);
const contactById = preparedFor((db) =>
  db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, sql.placeholder("id")), eq(contacts.account_id, sql.placeholder("account"))))
    .prepare(),
);
const notificationById = preparedFor((db) =>
  db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, sql.placeholder("id")), eq(notifications.account_id, sql.placeholder("account"))))
    .prepare(),
);

/** Presence changes of one account are announced together, at most this often. */
export const PRESENCE_COALESCE_MS = 250;

export type RealtimeSourceEvent = DomainEvent<(typeof REALTIME_EVENTS)[number]>;

type Candidate = { user_id: number; role: string; permissions: string | null; in_inbox: number; in_team: number };

class Statements {
  readonly candidates: Statement;
  readonly contactInbox: Statement;
  readonly verifiedSessions: Statement;
  readonly notificationCount: Statement;
  constructor(db: Db) {
    const c = db.$client;
    // Everyone who might see a conversation of this inbox / team: administrators, inbox members, team members.
    this.candidates = c.prepare(
      `SELECT au.user_id, au.role, cr.permissions,
         EXISTS (SELECT 1 FROM inbox_members im WHERE im.inbox_id = ?2 AND im.user_id = au.user_id) AS in_inbox,
         (?3 IS NOT NULL AND EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = ?3 AND tm.user_id = au.user_id)) AS in_team
       FROM account_users au LEFT JOIN custom_roles cr ON cr.id = au.custom_role_id
       WHERE au.account_id = ?1`,
    );
    this.contactInbox = c.prepare("SELECT id, contact_id, hmac_verified FROM contact_inboxes WHERE id = ?1");
    this.verifiedSessions = c.prepare("SELECT id FROM contact_inboxes WHERE contact_id = ?1 AND hmac_verified = 1");
    this.notificationCount = c.prepare("SELECT count(*) AS n FROM notifications WHERE account_id = ?1 AND user_id = ?2 AND snoozed_until IS NULL");
  }
}
const statements = new WeakMap<Db, Statements>();
function statementsFor(db: Db): Statements {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = new Statements(db)));
  return s;
}

/** Rails' previous_changes form ({attr: [before, after]}) of our changed_attributes. */
function previousChanges(changed: ChangedAttributes): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(changed)) out[k] = [v.previous_value, v.current_value];
  return out;
}

export class RealtimeBroadcaster {
  private readonly db: Db;
  private readonly st: Statements;
  /** Chatwoot's account cache keys (labels, inboxes, teams), for account.cache_invalidated. */
  readonly cacheKeys: AccountCacheKeys;

  constructor(
    private readonly deps: AppDeps,
    private readonly hub: Hub,
    private readonly presence: PresenceTracker,
  ) {
    this.db = deps.db;
    this.st = statementsFor(deps.db);
    this.cacheKeys = new AccountCacheKeys(deps.db);
  }

  /** Registers the live listeners on the bus (called from events/wire.ts). */
  wire(): void {
    const bus = this.deps.bus;
    for (const name of REALTIME_EVENTS) bus.onCommitted(name, (e) => this.handle(e as RealtimeSourceEvent));
    bus.onCommitted("account_user.deleted", (e) => {
      this.hub.dropUser(e.data.account_id, e.data.user_id);
      this.presence.forgetUser(e.data.account_id, e.data.user_id);
      this.presenceChanged(e.data.account_id, true);
    });
    bus.onCommitted("user.deleted", (e) => this.hub.dropUserEverywhere(e.data.user_id));
    bus.onCommitted("account.deleted", (e) => this.dropAccount(e.data.account_id));
    // A suspended account's sockets stop hearing it (new subscriptions are refused while it is suspended).
    bus.onCommitted("account.updated", (e) => {
      if (!e.data.changed.includes("status")) return;
      const row = this.db.$client.query("SELECT status FROM accounts WHERE id = ?1").get(e.data.account_id) as { status: string } | null;
      if (!row || row.status === "suspended") this.dropAccount(e.data.account_id);
    });
  }

  private dropAccount(accountId: number): void {
    this.cacheKeys.forget(accountId);
    const byUser = this.hub.subscribedUsers(accountId);
    if (byUser) for (const userId of [...byUser.keys()]) this.hub.dropUser(accountId, userId);
    const contactSubs = this.hub.contactSubscriptions(accountId);
    if (contactSubs) for (const sub of [...contactSubs]) this.hub.remove(sub);
  }

  handle(e: RealtimeSourceEvent): void {
    const accountId = e.data.account_id;
    // The keys move whether or not anyone is connected (a client connecting later compares against them).
    if (e.name === "account.cache_invalidated") this.cacheKeys.touch(accountId, e.data.cache_key, e.at);
    // Nobody of this account is connected: nothing to build.
    if (!this.hub.hasUsers(accountId) && !this.hub.contactSubscriptions(accountId)) return;
    switch (e.name) {
      case "message.created":
      case "message.updated":
      case "first.reply.created":
        return this.message(e);
      case "conversation.created":
      case "conversation.updated":
      case "conversation.status_changed":
        return this.conversation(e.name, accountId, e.data.conversation_id, true, e.data.performer);
      case "conversation.read":
        // An agent's read (update_last_seen) is their own request; a contact's has no Current.user.
        return this.conversation(e.name, accountId, e.data.conversation_id, false, e.data.user_id != null ? { type: "User", id: e.data.user_id } : undefined);
      case "conversation.contact_changed":
      case "assignee.changed":
      case "team.changed":
        return this.conversation(e.name, accountId, e.data.conversation_id, false, e.data.performer);
      case "account.cache_invalidated":
        return this.cacheInvalidated(e);
      case "conversation.mentioned":
        return this.mentioned(e);
      case "conversation.typing_on":
      case "conversation.typing_off":
        return this.typing(e);
      case "contact.created":
      case "contact.updated":
      case "contact.merged":
      case "contact.deleted":
        return this.contact(e);
      case "notification.created":
      case "notification.updated":
      case "notification.deleted":
        return this.notification(e);
      case "presence.update":
        return this.presenceChanged(accountId, true);
    }
  }

  // Contacts are sent to first: one socket each, waiting on the other side; agents' dashboards follow.

  private records(accountId: number): Records {
    return new Records(this.db, accountId, this.deps.config.publicUrl);
  }

  /**
   * The broadcast message: Chatwoot's data merged with account_id and, when a user or agent bot made the change
   * (Current.user), `performer` (their push data).
   */
  private encode(event: string, data: Record<string, unknown>, accountId: number, performer?: EventPerformer, records?: Records): string {
    const out: Record<string, unknown> = { ...data, account_id: accountId };
    if (performer) {
      const p = this.performerData(records ?? this.records(accountId), performer);
      if (p) out.performer = p;
    }
    return JSON.stringify({ event, data: out });
  }

  private performerData(records: Records, p: EventPerformer): Record<string, unknown> | null {
    if (p.type === "AutomationRule") return null;
    if (p.type === "User") {
      const u = records.user(p.id);
      return u ? userPushData(u) : null;
    }
    const b = records.bot(p.id);
    return b ? botPushData(b) : null;
  }

  /** Subscribed users of the account who may see the conversation. */
  conversationUserIds(c: ConversationRow): number[] {
    const subscribed = this.hub.subscribedUsers(c.account_id);
    if (!subscribed) return [];
    const rows = this.st.candidates.all(c.account_id, c.inbox_id, c.team_id) as Candidate[];
    const out: number[] = [];
    for (const r of rows) {
      if (!subscribed.has(r.user_id)) continue;
      if (r.role === "administrator") {
        out.push(r.user_id);
        continue;
      }
      if (!r.in_inbox && !r.in_team) continue;
      const custom = r.permissions == null ? null : (JSON.parse(r.permissions) as string[]);
      const permissions = new Set(effectivePermissions("agent", custom));
      let reach: "all" | "unassigned_and_mine" | "mine_and_participating" | "none" = conversationReach({ permissions });
      if (reach === "mine_and_participating" && !permissions.has("conversation_participating_manage")) reach = "none";
      const access: ConversationAccess = {
        kind: "limited",
        userId: r.user_id,
        inboxIds: r.in_inbox ? [c.inbox_id] : [],
        teamIds: r.in_team && c.team_id != null ? [c.team_id] : [],
        reach,
      };
      if (canSeeConversation(this.db, access, c)) out.push(r.user_id);
    }
    return out;
  }

  /** The contact sessions (contact_inbox ids) that follow this conversation and are connected. */
  contactInboxIds(c: ConversationRow): number[] {
    if (c.contact_inbox_id == null || !this.hub.contactSubscriptions(c.account_id)) return [];
    const ci = this.st.contactInbox.get(c.contact_inbox_id) as { id: number; contact_id: number; hmac_verified: number } | null;
    if (!ci) return [];
    if (!ci.hmac_verified) return this.hub.hasContactInbox(ci.id) ? [ci.id] : [];
    // A verified contact sees its conversations on every verified session (Chatwoot's multi-device history).
    const ids = (this.st.verifiedSessions.all(ci.contact_id) as { id: number }[]).map((r) => r.id);
    return ids.filter((id) => this.hub.hasContactInbox(id));
  }

  private message(e: DomainEvent<"message.created" | "message.updated" | "first.reply.created">): void {
    const { account_id: accountId, message_id, conversation_id } = e.data;
    const c = conversationById(this.db).get({ id: conversation_id, account: accountId });
    const m = messageById(this.db).get({ id: message_id, account: accountId });
    if (!c || !m) return;
    const users = this.conversationUserIds(c);
    // first.reply.created is for the dashboard (reports, SLA): inbox users only.
    const publicMessage = !m.private && m.message_type !== 2 && e.name !== "first.reply.created";
    const sessions = publicMessage ? this.contactInboxIds(c) : [];
    if (!users.length && !sessions.length) return;
    const records = this.records(accountId);
    // echo_id comes back with the message.created of the request that sent it (not stored, never in webhooks).
    const echoId = e.name === "message.created" ? e.data.echo_id : undefined;
    const data: Record<string, unknown> = messageEventData(records, c, m, { echo_id: echoId });
    if (e.name === "message.updated") data.previous_changes = previousChanges(e.data.changed_attributes);
    const json = this.encode(e.name, data, accountId, e.data.performer, records);
    this.hub.toContactInboxes(sessions, json);
    this.hub.toUsers(accountId, users, json);
  }

  private conversation(event: string, accountId: number, conversationId: number, toContact: boolean, performer?: EventPerformer): void {
    const c = conversationById(this.db).get({ id: conversationId, account: accountId });
    if (!c) return;
    const users = this.conversationUserIds(c);
    const sessions = toContact ? this.contactInboxIds(c) : [];
    if (!users.length && !sessions.length) return;
    const records = this.records(accountId);
    const json = this.encode(event, conversationPushData(records, c), accountId, performer, records);
    this.hub.toContactInboxes(sessions, json);
    this.hub.toUsers(accountId, users, json);
  }

  private mentioned(e: DomainEvent<"conversation.mentioned">): void {
    const { account_id: accountId, conversation_id, user_id } = e.data;
    if (!this.hub.subscribedUsers(accountId)?.has(user_id)) return;
    const c = conversationById(this.db).get({ id: conversation_id, account: accountId });
    if (!c) return;
    const records = this.records(accountId);
    this.hub.toUsers(accountId, [user_id], this.encode(e.name, conversationPushData(records, c), accountId, e.data.performer, records));
  }

  /** account.cache_invalidated: the account's current cache keys to every subscribed user of the account. */
  private cacheInvalidated(e: DomainEvent<"account.cache_invalidated">): void {
    const accountId = e.data.account_id;
    if (!this.hub.hasUsers(accountId)) return;
    this.hub.toAccountUsers(accountId, this.encode(e.name, { cache_keys: this.cacheKeys.get(accountId) }, accountId, e.data.performer));
  }

  private typing(e: DomainEvent<"conversation.typing_on" | "conversation.typing_off">): void {
    const { account_id: accountId, conversation_id, user_id, contact_id, is_private } = e.data;
    const c = conversationById(this.db).get({ id: conversation_id, account: accountId });
    if (!c) return;
    // Everyone but the typer; a private (note) typing indicator never reaches the contact.
    const users = this.conversationUserIds(c).filter((id) => id !== user_id);
    const sessions = is_private || contact_id != null ? [] : this.contactInboxIds(c);
    if (!users.length && !sessions.length) return;
    const records = this.records(accountId);
    let user: Record<string, unknown> | null = null;
    if (user_id != null) {
      const u = records.user(user_id);
      if (u) user = userPushData(u);
    } else if (contact_id != null) {
      const contact = records.contact(contact_id);
      if (contact) user = contactPushEventData(contact);
    }
    // An agent's typing is their own request (Current.user); a contact's has no performer.
    const performer: EventPerformer | undefined = user_id != null ? { type: "User", id: user_id } : undefined;
    const json = this.encode(e.name, { conversation: conversationPushData(records, c), user, is_private: is_private ?? false }, accountId, performer, records);
    this.hub.toContactInboxes(sessions, json);
    this.hub.toUsers(accountId, users, json);
  }

  private contact(e: DomainEvent<"contact.created" | "contact.updated" | "contact.merged" | "contact.deleted">): void {
    const accountId = e.data.account_id;
    let data: Record<string, unknown>;
    if (e.name === "contact.deleted") {
      const s = e.data.snapshot;
      data = {
        additional_attributes: s.additional_attributes ?? {},
        custom_attributes: s.custom_attributes ?? {},
        email: s.email ?? null,
        id: e.data.contact_id,
        identifier: s.identifier ?? null,
        name: s.name ?? null,
        phone_number: s.phone_number ?? null,
        thumbnail: s.thumbnail ?? "",
        blocked: s.blocked ?? false,
        type: "contact",
      };
    } else {
      const row = contactById(this.db).get({ id: e.data.contact_id, account: accountId });
      if (!row) return;
      data = contactPushEventData(row);
    }
    const json = this.encode(e.name, data, accountId, e.data.performer);
    this.hub.toAccountUsers(accountId, json);
    if (e.name === "contact.merged") {
      // The merged-away contact's open sessions now belong to the surviving contact; tell them.
      const key = `${accountId}:${e.data.merged_contact_id}`;
      const moved = [...(this.mergedSessions.get(key) ?? []), ...this.hub.moveContact(accountId, e.data.merged_contact_id, e.data.contact_id)];
      this.mergedSessions.delete(key);
      for (const sub of moved) this.hub.send(sub, json);
    }
    if (e.name === "contact.deleted") {
      this.contactDeleted(accountId, e.data.contact_id);
      this.presence.forgetContact(accountId, e.data.contact_id);
    }
  }

  /** Sessions of a merged-away contact, re-pointed at the base contact, waiting for the merge's contact.merged. */
  private mergedSessions = new Map<string, ContactSubscription[]>();

  /**
   * A deleted contact's sessions end, unless their contact_inbox now belongs to another contact: a merge moves the
   * mergee's sessions to the base contact before deleting it, and those sockets keep listening (and hear the
   * contact.merged that follows in the same transaction's events).
   */
  private contactDeleted(accountId: number, contactId: number): void {
    const subs = this.hub.contactSubscriptions(accountId);
    if (!subs) return;
    const moved: ContactSubscription[] = [];
    for (const sub of [...subs]) {
      if (sub.contactId !== contactId) continue;
      const ci = this.st.contactInbox.get(sub.contactInboxId) as { contact_id: number } | null;
      if (ci && ci.contact_id !== contactId) {
        sub.contactId = ci.contact_id;
        moved.push(sub);
      } else this.hub.remove(sub);
    }
    if (!moved.length) return;
    const key = `${accountId}:${contactId}`;
    this.mergedSessions.set(key, moved);
    // The transaction's events are published together; whatever no contact.merged claimed is forgotten after them.
    queueMicrotask(() => this.mergedSessions.delete(key));
  }

  private notification(e: DomainEvent<"notification.created" | "notification.updated" | "notification.deleted">): void {
    const { account_id: accountId, user_id, notification_id } = e.data;
    if (!this.hub.subscribedUsers(accountId)?.has(user_id)) return;
    let notification: Record<string, unknown>;
    if (e.name === "notification.deleted") notification = { id: notification_id };
    else {
      const row = notificationById(this.db).get({ id: notification_id, account: accountId });
      if (!row || row.user_id !== user_id) return;
      notification = notificationsJson(this.records(accountId), [row])[0]!;
    }
    const count = (this.st.notificationCount.get(accountId, user_id) as { n: number }).n;
    const unread_count = unreadNotificationCount(this.db, accountId, user_id);
    const performer = e.name === "notification.created" ? undefined : e.data.performer;
    this.hub.toUsers(accountId, [user_id], this.encode(e.name, { notification, unread_count, count }, accountId, performer));
  }

  private pendingPresence = new Map<number, boolean>();
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Someone's presence changed in the account: announce it (coalesced, at most every PRESENCE_COALESCE_MS per
   * account, so a thousand visitors arriving at once cost one broadcast). A user's change also reaches the
   * account's contacts (the widget shows whether agents are online); a contact's change only the users.
   */
  presenceChanged(accountId: number, alsoContacts: boolean): void {
    this.pendingPresence.set(accountId, (this.pendingPresence.get(accountId) ?? false) || alsoContacts);
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      const pending = [...this.pendingPresence];
      this.pendingPresence.clear();
      for (const [id, contactsToo] of pending) {
        try {
          this.broadcastPresence(id, contactsToo);
        } catch (err) {
          this.deps.log.error("presence broadcast failed", { err });
        }
      }
    }, PRESENCE_COALESCE_MS);
  }

  stop(): void {
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
    this.pendingPresence.clear();
  }

  /** presence.update to every subscribed user of the account (with contacts) and, when asked, its contacts (users only). */
  broadcastPresence(accountId: number, alsoContacts = true): void {
    if (this.hub.hasUsers(accountId)) {
      this.hub.toAccountUsers(accountId, JSON.stringify({ event: "presence.update", data: presencePayload(this.db, this.presence, accountId, true) }));
    }
    const contactSubs = alsoContacts ? this.hub.contactSubscriptions(accountId) : undefined;
    if (contactSubs) {
      const json = JSON.stringify({ event: "presence.update", data: presencePayload(this.db, this.presence, accountId, false) });
      for (const sub of contactSubs) this.hub.send(sub, json);
    }
  }
}
