// Who is subscribed to what: RoomChannel subscriptions indexed the way events look for them (users by account
// and user id, contacts by contact_inbox), and the fan-out of one already-serialized message to many of them.
import type { ServerWebSocket } from "bun";

export type SocketData = {
  /** This socket's subscriptions by identifier (the raw identifier string, as ActionCable keys them). */
  subs: Map<string, Subscription>;
  /** Whether the client negotiated the actioncable-v1-json subprotocol (informational). */
  protocol: string | null;
};

export type CableSocket = ServerWebSocket<SocketData>;

export type Subscription =
  | { kind: "user"; ws: CableSocket; identifier: string; identifierJson: string; accountId: number; userId: number }
  | { kind: "contact"; ws: CableSocket; identifier: string; identifierJson: string; accountId: number; contactId: number; contactInboxId: number };

export type UserSubscription = Extract<Subscription, { kind: "user" }>;
export type ContactSubscription = Extract<Subscription, { kind: "contact" }>;

/** The wire frame of a broadcast, with the (already JSON) {event, data} message spliced in. */
export function broadcastFrame(sub: Subscription, messageJson: string): string {
  return `{"identifier":${sub.identifierJson},"message":${messageJson}}`;
}

export class Hub {
  /** account id → user id → that user's subscriptions (one per tab). */
  private users = new Map<number, Map<number, Set<UserSubscription>>>();
  /** contact_inbox id → subscriptions with that contact_inbox's pubsub_token. */
  private contactInboxes = new Map<number, Set<ContactSubscription>>();
  /** account id → contact subscriptions (for merges and deletions, which are rare). */
  private contactsByAccount = new Map<number, Set<ContactSubscription>>();
  /** Frames sent, for tests and the bench. */
  sent = 0;

  add(sub: Subscription): void {
    if (sub.kind === "user") {
      let byUser = this.users.get(sub.accountId);
      if (!byUser) this.users.set(sub.accountId, (byUser = new Map()));
      let set = byUser.get(sub.userId);
      if (!set) byUser.set(sub.userId, (set = new Set()));
      set.add(sub);
    } else {
      addTo(this.contactInboxes, sub.contactInboxId, sub);
      addTo(this.contactsByAccount, sub.accountId, sub);
    }
  }

  remove(sub: Subscription): void {
    if (sub.kind === "user") {
      const byUser = this.users.get(sub.accountId);
      const set = byUser?.get(sub.userId);
      if (!byUser || !set) return;
      set.delete(sub);
      if (!set.size) byUser.delete(sub.userId);
      if (!byUser.size) this.users.delete(sub.accountId);
    } else {
      removeFrom(this.contactInboxes, sub.contactInboxId, sub);
      removeFrom(this.contactsByAccount, sub.accountId, sub);
    }
    sub.ws.data.subs.delete(sub.identifier);
  }

  hasUsers(accountId: number): boolean {
    return this.users.has(accountId);
  }

  /** Subscribed user ids of the account (a live view; do not keep). */
  subscribedUsers(accountId: number): Map<number, Set<UserSubscription>> | undefined {
    return this.users.get(accountId);
  }

  hasContactInbox(contactInboxId: number): boolean {
    return this.contactInboxes.has(contactInboxId);
  }

  contactSubscriptions(accountId: number): Set<ContactSubscription> | undefined {
    return this.contactsByAccount.get(accountId);
  }

  /** Sends to every subscription of the given users (ids not subscribed are skipped). */
  toUsers(accountId: number, userIds: Iterable<number>, messageJson: string, except?: number | null): void {
    const byUser = this.users.get(accountId);
    if (!byUser) return;
    for (const id of userIds) {
      if (id === except) continue;
      const set = byUser.get(id);
      if (set) for (const sub of set) this.send(sub, messageJson);
    }
  }

  /** Sends to every user subscribed in the account (Chatwoot's `account_<id>` stream). */
  toAccountUsers(accountId: number, messageJson: string): void {
    const byUser = this.users.get(accountId);
    if (!byUser) return;
    for (const set of byUser.values()) for (const sub of set) this.send(sub, messageJson);
  }

  toContactInboxes(contactInboxIds: Iterable<number>, messageJson: string): void {
    for (const id of contactInboxIds) {
      const set = this.contactInboxes.get(id);
      if (set) for (const sub of set) this.send(sub, messageJson);
    }
  }

  send(sub: Subscription, messageJson: string): void {
    this.sent++;
    sub.ws.send(broadcastFrame(sub, messageJson));
  }

  /** Stops delivery to a user in an account (membership removed): their subscriptions are dropped. */
  dropUser(accountId: number, userId: number): void {
    const set = this.users.get(accountId)?.get(userId);
    if (set) for (const sub of [...set]) this.remove(sub);
  }

  /** Stops delivery to a user everywhere (user deleted). */
  dropUserEverywhere(userId: number): void {
    for (const accountId of [...this.users.keys()]) this.dropUser(accountId, userId);
  }

  /** After a merge the mergee's sessions belong to the base contact. */
  moveContact(accountId: number, fromContactId: number, toContactId: number): ContactSubscription[] {
    const moved: ContactSubscription[] = [];
    const set = this.contactsByAccount.get(accountId);
    if (set)
      for (const sub of set)
        if (sub.contactId === fromContactId) {
          sub.contactId = toContactId;
          moved.push(sub);
        }
    return moved;
  }

  /** Subscription counts, for health and the bench. */
  stats(): { users: number; contacts: number } {
    let users = 0;
    for (const byUser of this.users.values()) for (const set of byUser.values()) users += set.size;
    let contacts = 0;
    for (const set of this.contactInboxes.values()) contacts += set.size;
    return { users, contacts };
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (!set.size) map.delete(key);
}
