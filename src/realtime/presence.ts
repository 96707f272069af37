// Who is online (Chatwoot's OnlineStatusTracker), in memory: a user or contact is online for PRESENCE_DURATION_MS
// after its last `update_presence` (or subscription). One tracker per database (one per running server), so the
// dashboard asks with the database it already has: onlineUserIds(deps.db, accountId).
import type { Db } from "../db/client.ts";
import type { Clock } from "../lib/clock.ts";
import { systemClock } from "../lib/clock.ts";

/** Chatwoot's PRESENCE_DURATION (20 s): the browser sends update_presence every 20 s while the tab is open. */
export const PRESENCE_DURATION_MS = 20_000;

type Seen = Map<number, number>;

export class PresenceTracker {
  private users = new Map<number, Seen>();
  private contacts = new Map<number, Seen>();

  constructor(readonly clock: Clock = systemClock) {}

  /** Records a heartbeat; true when the user was not online before (a transition worth announcing). */
  touchUser(accountId: number, userId: number): boolean {
    return touch(this.users, accountId, userId, this.clock.now());
  }

  touchContact(accountId: number, contactId: number): boolean {
    return touch(this.contacts, accountId, contactId, this.clock.now());
  }

  /** Forgets a user in an account at once (membership removed). */
  forgetUser(accountId: number, userId: number): void {
    this.users.get(accountId)?.delete(userId);
  }

  forgetContact(accountId: number, contactId: number): void {
    this.contacts.get(accountId)?.delete(contactId);
  }

  onlineUserIds(accountId: number): number[] {
    return fresh(this.users.get(accountId), this.clock.now());
  }

  onlineContactIds(accountId: number): number[] {
    return fresh(this.contacts.get(accountId), this.clock.now());
  }

  isUserOnline(accountId: number, userId: number): boolean {
    const at = this.users.get(accountId)?.get(userId);
    return at !== undefined && this.clock.now() - at < PRESENCE_DURATION_MS;
  }

  isContactOnline(contactId: number): boolean {
    const now = this.clock.now();
    for (const seen of this.contacts.values()) {
      const at = seen.get(contactId);
      if (at !== undefined) return now - at < PRESENCE_DURATION_MS;
    }
    return false;
  }

  /**
   * Drops expired entries; returns the accounts where someone went offline, with whether a user (not only
   * contacts) was among them.
   */
  expire(onUserGone?: (accountId: number, userId: number) => void): Map<number, boolean> {
    const now = this.clock.now();
    const changed = new Map<number, boolean>();
    for (const [map, isUser] of [[this.users, true], [this.contacts, false]] as const) {
      for (const [accountId, seen] of map) {
        for (const [id, at] of seen) {
          if (now - at >= PRESENCE_DURATION_MS) {
            seen.delete(id);
            if (isUser) onUserGone?.(accountId, id);
            changed.set(accountId, (changed.get(accountId) ?? false) || isUser);
          }
        }
        if (!seen.size) map.delete(accountId);
      }
    }
    return changed;
  }
}

function touch(map: Map<number, Seen>, accountId: number, id: number, now: number): boolean {
  let seen = map.get(accountId);
  if (!seen) map.set(accountId, (seen = new Map()));
  const before = seen.get(id);
  seen.set(id, now);
  return before === undefined || now - before >= PRESENCE_DURATION_MS;
}

function fresh(seen: Seen | undefined, now: number): number[] {
  if (!seen) return [];
  const out: number[] = [];
  for (const [id, at] of seen) if (now - at < PRESENCE_DURATION_MS) out.push(id);
  return out;
}

const trackers = new WeakMap<Db, PresenceTracker>();

/** The tracker of the server using this database (created by the first caller, normally the cable at start-up). */
export function presenceTracker(db: Db, clock?: Clock): PresenceTracker {
  let t = trackers.get(db);
  if (!t) trackers.set(db, (t = new PresenceTracker(clock)));
  return t;
}

/** Users of the account whose dashboard reported presence within the last 20 s. */
export function onlineUserIds(db: Db, accountId: number): number[] {
  return presenceTracker(db).onlineUserIds(accountId);
}

/** Whether the contact's widget (or client-API socket) reported presence within the last 20 s. */
export function isContactOnline(db: Db, contactId: number): boolean {
  return presenceTracker(db).isContactOnline(contactId);
}

/**
 * Whether someone who may see the inbox is online for its visitors: an administrator of the account or a member of
 * the inbox whose availability is "online" and who is present (dashboard open within the last 20 s, or auto-offline
 * turned off, as presence.update lists them). Busy and offline agents do not count (the widget shows "away").
 */
export function agentOnlineInInbox(db: Db, tracker: PresenceTracker, accountId: number, inboxId: number): boolean {
  const rows = db.$client
    .query(
      `SELECT au.user_id, au.auto_offline FROM account_users au
       WHERE au.account_id = ?1 AND au.availability = 'online'
         AND (au.role = 'administrator' OR EXISTS (SELECT 1 FROM inbox_members im WHERE im.inbox_id = ?2 AND im.user_id = au.user_id))`,
    )
    .all(accountId, inboxId) as { user_id: number; auto_offline: number }[];
  return rows.some((r) => !r.auto_offline || tracker.isUserOnline(accountId, r.user_id));
}

export type PresencePayload = { account_id: number; users: Record<string, string>; contacts?: Record<string, "online"> };

/**
 * Chatwoot's presence.update data: online users (and those with auto-offline turned off) with their chosen
 * availability; online contacts only for user subscribers.
 */
export function presencePayload(db: Db, tracker: PresenceTracker, accountId: number, withContacts: boolean): PresencePayload {
  const online = new Set(tracker.onlineUserIds(accountId));
  const rows = db.$client
    .query("SELECT user_id, availability, auto_offline FROM account_users WHERE account_id = ?1")
    .all(accountId) as { user_id: number; availability: string; auto_offline: number }[];
  const users: Record<string, string> = {};
  for (const r of rows) if (online.has(r.user_id) || !r.auto_offline) users[String(r.user_id)] = r.availability;
  const payload: PresencePayload = { account_id: accountId, users };
  if (withContacts) {
    const contacts: Record<string, "online"> = {};
    for (const id of tracker.onlineContactIds(accountId)) contacts[String(id)] = "online";
    payload.contacts = contacts;
  }
  return payload;
}
