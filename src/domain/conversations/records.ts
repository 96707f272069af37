import { and, eq, isNull, or, sql, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { cachedRead } from "../../db/read-cache.ts";
import { account_users, accounts, users } from "../../db/schema/accounts.ts";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import { contact_inboxes, contacts } from "../../db/schema/contacts.ts";
import type { conversations, messages } from "../../db/schema/conversations.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import { teams } from "../../db/schema/teams.ts";

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type ContactInboxRow = typeof contact_inboxes.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;
export type InboxRow = typeof inboxes.$inferSelect;
export type ChannelRow = typeof channels.$inferSelect;
export type BotRow = typeof agent_bots.$inferSelect;
export type UserRecord = {
  user: typeof users.$inferSelect;
  /** The user's membership in the account being rendered (null when they have left it). */
  membership: typeof account_users.$inferSelect | null;
};
export type InboxRecord = { inbox: InboxRow; channel: ChannelRow };

const inboxOfConversation = preparedFor((db) =>
  db.$client.prepare<{ inbox_id: number }, [number, number]>("SELECT inbox_id FROM conversations WHERE id = ?1 AND account_id = ?2"),
);

/** The inbox of a conversation (a conversation never changes inbox), or null when there is no such conversation. */
export function conversationInboxId(db: Db, accountId: number, conversationId: number): number | null {
  return inboxOfConversation(db).get(conversationId, accountId)?.inbox_id ?? null;
}

/** `column IN (ids)` for a prepared statement: the ids arrive as one JSON array parameter. */
function inIds(column: SQLWrapper) {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder("ids")}))`;
}
const account = sql.placeholder("account");

function buildStatements(db: Db) {
  return {
    users: db
      .select({ user: users, membership: account_users })
      .from(users)
      .leftJoin(account_users, and(eq(account_users.user_id, users.id), eq(account_users.account_id, account)))
      .where(inIds(users.id))
      .prepare(),
    contacts: db.select().from(contacts).where(and(eq(contacts.account_id, account), inIds(contacts.id))).prepare(),
    teams: db.select().from(teams).where(and(eq(teams.account_id, account), inIds(teams.id))).prepare(),
    inboxes: db
      .select({ inbox: inboxes, channel: channels })
      .from(inboxes)
      .innerJoin(channels, eq(channels.id, inboxes.channel_id))
      .where(and(eq(inboxes.account_id, account), inIds(inboxes.id)))
      .prepare(),
    contactInboxes: db.select().from(contact_inboxes).where(inIds(contact_inboxes.id)).prepare(),
    bot: db
      .select()
      .from(agent_bots)
      .where(and(eq(agent_bots.id, sql.placeholder("id")), or(eq(agent_bots.account_id, account), isNull(agent_bots.account_id))))
      .prepare(),
    account: db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(eq(accounts.id, account)).prepare(),
  };
}
const statementCache = new WeakMap<Db, ReturnType<typeof buildStatements>>();

/** Prepared once per database connection: building and compiling SQL per call costs more than running it. */
export function recordStatements(db: Db): ReturnType<typeof buildStatements> {
  let st = statementCache.get(db);
  if (!st) {
    st = buildStatements(db);
    statementCache.set(db, st);
  }
  return st;
}

/**
 * The records a batch of conversations or messages refers to, loaded once per id for one rendering
 * (a list page reads each contact, agent, team and inbox a single time). Always scoped to one account.
 */
export class Records {
  private userCache = new Map<number, UserRecord | null>();
  private contactCache = new Map<number, ContactRow | null>();
  private botCache = new Map<number, BotRow | null>();
  private teamCache = new Map<number, TeamRow | null>();
  private inboxCache = new Map<number, InboxRecord | null>();
  private contactInboxCache = new Map<number, ContactInboxRow | null>();
  private accountRow: { id: number; name: string } | undefined;

  constructor(
    readonly db: Db,
    readonly accountId: number,
    readonly publicUrl: string,
  ) {}

  account(): { id: number; name: string } {
    if (!this.accountRow) {
      const row = recordStatements(this.db).account.get({ account: this.accountId });
      this.accountRow = row ?? { id: this.accountId, name: "" };
    }
    return this.accountRow;
  }

  user(id: number | null | undefined): UserRecord | null {
    if (id == null) return null;
    this.loadUsers([id]);
    return this.userCache.get(id) ?? null;
  }

  loadUsers(ids: Iterable<number | null | undefined>): void {
    const missing = uniqueMissing(ids, this.userCache);
    if (!missing.length) return;
    // Agents are few and every message names one: their records come from the read cache.
    const { db, accountId } = this;
    for (const id of missing) {
      this.userCache.set(id, cachedRead(db, `user-record:${accountId}:${id}`, () => recordStatements(db).users.all({ account: accountId, ids: `[${id}]` })[0]));
    }
  }

  contact(id: number | null | undefined): ContactRow | null {
    if (id == null) return null;
    this.loadContacts([id]);
    return this.contactCache.get(id) ?? null;
  }

  loadContacts(ids: Iterable<number | null | undefined>): void {
    const missing = uniqueMissing(ids, this.contactCache);
    if (!missing.length) return;
    const rows = recordStatements(this.db).contacts.all({ account: this.accountId, ids: JSON.stringify(missing) });
    for (const id of missing) this.contactCache.set(id, null);
    for (const r of rows) this.contactCache.set(r.id, r);
  }

  bot(id: number | null | undefined): BotRow | null {
    if (id == null) return null;
    if (!this.botCache.has(id)) {
      const row = recordStatements(this.db).bot.get({ id, account: this.accountId });
      this.botCache.set(id, row ?? null);
    }
    return this.botCache.get(id) ?? null;
  }

  team(id: number | null | undefined): TeamRow | null {
    if (id == null) return null;
    this.loadTeams([id]);
    return this.teamCache.get(id) ?? null;
  }

  loadTeams(ids: Iterable<number | null | undefined>): void {
    const missing = uniqueMissing(ids, this.teamCache);
    if (!missing.length) return;
    const rows = recordStatements(this.db).teams.all({ account: this.accountId, ids: JSON.stringify(missing) });
    for (const id of missing) this.teamCache.set(id, null);
    for (const r of rows) this.teamCache.set(r.id, r);
  }

  inbox(id: number | null | undefined): InboxRecord | null {
    if (id == null) return null;
    this.loadInboxes([id]);
    return this.inboxCache.get(id) ?? null;
  }

  loadInboxes(ids: Iterable<number | null | undefined>): void {
    // Inboxes and channels change rarely (config_version): each one's row is shared across requests by the read
    // cache, as every message and conversation payload names its inbox.
    for (const id of uniqueMissing(ids, this.inboxCache)) {
      const row = cachedRead(this.db, `records:inbox:${this.accountId}:${id}`, () => recordStatements(this.db).inboxes.all({ account: this.accountId, ids: JSON.stringify([id]) })[0]);
      this.inboxCache.set(id, row);
    }
  }

  contactInbox(id: number | null | undefined): ContactInboxRow | null {
    if (id == null) return null;
    this.loadContactInboxes([id]);
    return this.contactInboxCache.get(id) ?? null;
  }

  loadContactInboxes(ids: Iterable<number | null | undefined>): void {
    const missing = uniqueMissing(ids, this.contactInboxCache);
    if (!missing.length) return;
    const rows = recordStatements(this.db).contactInboxes.all({ ids: JSON.stringify(missing) });
    for (const id of missing) this.contactInboxCache.set(id, null);
    for (const r of rows) this.contactInboxCache.set(r.id, r);
  }
}

function uniqueMissing<T>(ids: Iterable<number | null | undefined>, cache: Map<number, T>): number[] {
  const out = new Set<number>();
  for (const id of ids) if (id != null && !cache.has(id)) out.add(id);
  return [...out];
}

const unreadStatements = new WeakMap<Db, { since: import("bun:sqlite").Statement; all: import("bun:sqlite").Statement }>();

/**
 * Chatwoot's unread_count: incoming messages after the agents last saw the conversation, counted up to
 * 10 as Chatwoot does (its badge shows at most 10).
 */
export function unreadIncomingCount(db: Db, conversation: Pick<ConversationRow, "id" | "agent_last_seen_at">): number {
  let st = unreadStatements.get(db);
  if (!st) {
    st = {
      since: db.$client.prepare(
        "SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE conversation_id = ?1 AND message_type = 0 AND created_at > ?2 LIMIT 10)",
      ),
      all: db.$client.prepare("SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE conversation_id = ?1 AND message_type = 0 LIMIT 10)"),
    };
    unreadStatements.set(db, st);
  }
  const row = (conversation.agent_last_seen_at == null ? st.all.get(conversation.id) : st.since.get(conversation.id, conversation.agent_last_seen_at)) as { n: number };
  return row.n;
}
