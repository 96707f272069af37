import { contactModelJson, contactPushEventData } from "../contacts/serialize.ts";
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { PRIORITIES } from "../../db/schema/conversations.ts";
import { isoTime, unixSeconds } from "../../lib/clock.ts";
import { botPushData, loadAttachments, messagePushData, userPushData } from "../messages/push.ts";
import { NotFound } from "../errors.ts";
import { conversationSlaJson } from "../sla/serialize.ts";
import { Records, unreadIncomingCount, type ContactRow, type ConversationRow, type MessageRow, type TeamRow, type UserRecord } from "./records.ts";

export function priorityName(p: number | null): (typeof PRIORITIES)[number] | null {
  return p == null ? null : (PRIORITIES[p] ?? null);
}

export function labelList(conversation: Pick<ConversationRow, "cached_label_list">): string[] {
  return conversation.cached_label_list
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** api/v1/models/_agent: a member of the account as the conversation APIs show assignees and participants. */
export function agentJson(r: UserRecord, accountId: number) {
  const { user, membership } = r;
  return {
    id: user.id,
    account_id: accountId,
    availability_status: membership?.availability ?? "offline",
    auto_offline: membership?.auto_offline ?? true,
    confirmed: user.confirmed_at !== null,
    email: user.email,
    provider: "email",
    available_name: user.display_name?.trim() || user.name,
    name: user.name,
    role: membership?.role ?? "agent",
    thumbnail: user.avatar_url ?? "",
    custom_role_id: membership?.custom_role_id ?? null,
  };
}

/** api/v1/models/_team. */
export function teamJson(t: TeamRow, isMember: boolean) {
  return { id: t.id, name: t.name, description: t.description, allow_auto_assign: t.allow_auto_assign, account_id: t.account_id, is_member: isMember };
}


/** Channels with a reply window (hours after the contact's last message); others can always be answered. */
const REPLY_WINDOW_HOURS: Record<string, number> = {
  "Channel::Whatsapp": 24,
  "Channel::FacebookPage": 24,
  "Channel::Instagram": 24,
  "Channel::Tiktok": 48,
};

const lastIncomingAt = new WeakMap<Db, (id: number) => number | null>();

/** Conversations::MessageWindowService#can_reply? */
export function canReply(records: Records, c: ConversationRow, now = Date.now()): boolean {
  const channel = records.inbox(c.inbox_id)?.channel;
  if (!channel) return true;
  let hours = REPLY_WINDOW_HOURS[channel.channel_type];
  const configured = (channel.additional_attributes as { agent_reply_time_window?: unknown }).agent_reply_time_window;
  if (channel.channel_type === "Channel::Api" && typeof configured === "number" && configured > 0) hours = configured;
  if (!hours) return true;
  let find = lastIncomingAt.get(records.db);
  if (!find) {
    const st = records.db.$client.prepare("SELECT max(created_at) AS at FROM messages WHERE conversation_id = ?1 AND message_type = 0");
    find = (id) => (st.get(id) as { at: number | null }).at;
    lastIncomingAt.set(records.db, find);
  }
  const at = find(c.id);
  return at != null && now - at < hours * 3600_000;
}

type Statements = { last: (id: number) => MessageRow | undefined; lastNonActivity: (id: number) => MessageRow | undefined; lastChat: (id: number) => MessageRow | undefined };
const statementCache = new WeakMap<Db, Statements>();

function lastMessageStatements(db: Db): Statements {
  let st = statementCache.get(db);
  if (!st) {
    const id = sql.placeholder("id");
    const last = db.select().from(messages).where(eq(messages.conversation_id, id)).orderBy(desc(messages.id)).limit(1).prepare();
    const lastNonActivity = db
      .select()
      .from(messages)
      .where(and(eq(messages.conversation_id, id), ne(messages.message_type, 2)))
      .orderBy(desc(messages.id))
      .limit(1)
      .prepare();
    const lastChat = db
      .select()
      .from(messages)
      .where(and(eq(messages.conversation_id, id), ne(messages.message_type, 2), eq(messages.private, false)))
      .orderBy(desc(messages.id))
      .limit(1)
      .prepare();
    st = {
      last: (cid) => last.get({ id: cid }),
      lastNonActivity: (cid) => lastNonActivity.get({ id: cid }),
      lastChat: (cid) => lastChat.get({ id: cid }),
    };
    statementCache.set(db, st);
  }
  return st;
}

function pushMessages(records: Records, conversation: ConversationRow, rows: (MessageRow | undefined)[]) {
  const present = rows.filter((m): m is MessageRow => !!m);
  const files = loadAttachments(
    records,
    present.map((m) => m.id),
  );
  return present.map((m) => messagePushData(records, m, conversation, files.get(m.id)));
}

/**
 * The conversation as the conversations API renders it (api/v1/conversations/partials/_conversation),
 * for a batch of rows: the related records are read once for the whole page.
 */
export function conversationsJson(records: Records, rows: ConversationRow[], viewerUserId: number | null) {
  records.loadContacts(rows.map((r) => r.contact_id));
  records.loadUsers(rows.map((r) => r.assignee_id));
  records.loadTeams(rows.map((r) => r.team_id));
  records.loadInboxes(rows.map((r) => r.inbox_id));
  records.loadContactInboxes(rows.map((r) => r.contact_inbox_id));
  const teamMembership = viewerTeams(records, rows, viewerUserId);
  const st = lastMessageStatements(records.db);
  const sla = conversationSlaJson(records.db, rows);
  return rows.map((c) => {
    const contact = records.contact(c.contact_id);
    const assignee = records.user(c.assignee_id);
    const team = records.team(c.team_id);
    const contactInbox = records.contactInbox(c.contact_inbox_id);
    const lastRow = st.last(c.id);
    const nonActivityRow = lastRow && lastRow.message_type !== 2 ? lastRow : st.lastNonActivity(c.id);
    const pushed = pushMessages(records, c, [lastRow, nonActivityRow === lastRow ? undefined : nonActivityRow]);
    const lastMessage = lastRow ? pushed[0] : null;
    const nonActivity = nonActivityRow ? (nonActivityRow === lastRow ? lastMessage : pushed[lastRow ? 1 : 0]) : null;
    return {
      meta: {
        sender: contact ? contactModelJson(contact) : null,
        channel: records.inbox(c.inbox_id)?.channel.channel_type ?? null,
        ...(assignee && assignee.membership ? { assignee: agentJson(assignee, c.account_id) } : {}),
        ...(team ? { team: teamJson(team, teamMembership.has(team.id)) } : {}),
        hmac_verified: contactInbox?.hmac_verified ?? false,
      },
      id: c.display_id,
      messages: lastMessage ? [lastMessage] : [],
      account_id: c.account_id,
      uuid: c.uuid,
      additional_attributes: c.additional_attributes,
      agent_last_seen_at: c.agent_last_seen_at == null ? 0 : unixSeconds(c.agent_last_seen_at),
      assignee_last_seen_at: c.assignee_last_seen_at == null ? 0 : unixSeconds(c.assignee_last_seen_at),
      can_reply: canReply(records, c),
      contact_last_seen_at: c.contact_last_seen_at == null ? 0 : unixSeconds(c.contact_last_seen_at),
      custom_attributes: c.custom_attributes,
      inbox_id: c.inbox_id,
      labels: labelList(c),
      muted: contact?.blocked ?? false,
      snoozed_until: c.snoozed_until == null ? null : isoTime(c.snoozed_until),
      status: c.status,
      created_at: unixSeconds(c.created_at),
      updated_at: c.updated_at / 1000,
      timestamp: unixSeconds(c.last_activity_at),
      first_reply_created_at: c.first_reply_created_at == null ? 0 : unixSeconds(c.first_reply_created_at),
      unread_count: unreadIncomingCount(records.db, c),
      last_non_activity_message: nonActivity,
      last_activity_at: unixSeconds(c.last_activity_at),
      priority: priorityName(c.priority),
      waiting_since: c.waiting_since == null ? 0 : unixSeconds(c.waiting_since),
      sla_policy_id: c.sla_policy_id ?? null,
      ...sla.get(c.id),
    };
  });
}

export function conversationJson(records: Records, row: ConversationRow, viewerUserId: number | null) {
  return conversationsJson(records, [row], viewerUserId)[0];
}

function viewerTeams(records: Records, rows: ConversationRow[], userId: number | null): Set<number> {
  const teamIds = [...new Set(rows.map((r) => r.team_id).filter((id): id is number => id != null))];
  if (userId == null || !teamIds.length) return new Set();
  const found = records.db.$client
    .query(`SELECT team_id FROM team_members WHERE user_id = ?1 AND team_id IN (${teamIds.map(() => "?").join(",")})`)
    .all(userId, ...teamIds) as { team_id: number }[];
  return new Set(found.map((r) => r.team_id));
}

/** The conversation's contact_inbox as events carry it (Parley leaves out the contact's pubsub_token). */
function contactInboxJson(records: Records, c: ConversationRow) {
  const ci = records.contactInbox(c.contact_inbox_id);
  if (!ci) return null;
  return {
    id: ci.id,
    contact_id: ci.contact_id,
    inbox_id: ci.inbox_id,
    source_id: ci.source_id,
    created_at: isoTime(ci.created_at),
    updated_at: isoTime(ci.updated_at),
    hmac_verified: ci.hmac_verified,
  };
}

/** Conversation#push_event_data (Conversations::EventDataPresenter): realtime payloads and webhook bodies. */
export function conversationPushData(records: Records, c: ConversationRow) {
  const contact = records.contact(c.contact_id);
  const assignee = c.assignee_agent_bot_id != null ? records.bot(c.assignee_agent_bot_id) : null;
  const assigneeUser = assignee ? null : records.user(c.assignee_id);
  const team = records.team(c.team_id);
  const lastChat = lastMessageStatements(records.db).lastChat(c.id);
  return {
    additional_attributes: c.additional_attributes,
    can_reply: canReply(records, c),
    channel: records.inbox(c.inbox_id)?.channel.channel_type ?? null,
    contact_inbox: contactInboxJson(records, c),
    id: c.display_id,
    inbox_id: c.inbox_id,
    messages: pushMessages(records, c, [lastChat]),
    labels: labelList(c),
    meta: {
      sender: contact ? contactPushEventData(contact) : null,
      assignee: assignee ? botPushData(assignee) : assigneeUser ? userPushData(assigneeUser) : null,
      assignee_type: assignee ? "AgentBot" : assigneeUser ? "User" : null,
      team: team ? { id: team.id, name: team.name } : null,
      hmac_verified: records.contactInbox(c.contact_inbox_id)?.hmac_verified ?? false,
    },
    status: c.status,
    custom_attributes: c.custom_attributes,
    snoozed_until: c.snoozed_until == null ? null : isoTime(c.snoozed_until),
    unread_count: unreadIncomingCount(records.db, c),
    first_reply_created_at: c.first_reply_created_at == null ? null : isoTime(c.first_reply_created_at),
    priority: priorityName(c.priority),
    waiting_since: c.waiting_since == null ? 0 : unixSeconds(c.waiting_since),
    agent_last_seen_at: c.agent_last_seen_at == null ? 0 : unixSeconds(c.agent_last_seen_at),
    contact_last_seen_at: c.contact_last_seen_at == null ? 0 : unixSeconds(c.contact_last_seen_at),
    last_activity_at: unixSeconds(c.last_activity_at),
    timestamp: unixSeconds(c.last_activity_at),
    created_at: unixSeconds(c.created_at),
    updated_at: c.updated_at / 1000,
    sla_policy_id: c.sla_policy_id ?? null,
    ...(c.sla_policy_id != null ? conversationSlaJson(records.db, [c]).get(c.id) : undefined),
  };
}

/** Conversation#webhook_data: the push data plus the account id (webhook and API-channel callback bodies). */
export function conversationWebhookPayload(records: Records, c: ConversationRow) {
  return { ...conversationPushData(records, c), account_id: c.account_id };
}

/**
 * The body of a conversation_* webhook (without "event"), read fresh from the database.
 * publicUrl makes attachment URLs absolute. Throws NotFound when the conversation is gone.
 */
export function conversationWebhookData(db: Db, conversationId: number, publicUrl = "") {
  const c = db.select().from(conversations).where(eq(conversations.id, conversationId)).get();
  if (!c) throw new NotFound("Conversation");
  return conversationWebhookPayload(new Records(db, c.account_id, publicUrl), c);
}

/** Conversations by id, for serializers working from event payloads. */
export function conversationsByIds(db: Db, accountId: number, ids: number[]): ConversationRow[] {
  if (!ids.length) return [];
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.account_id, accountId), inArray(conversations.id, ids)))
    .all();
}
