import { and, eq, inArray } from "drizzle-orm";
import { messages } from "../../db/schema/conversations.ts";
import { isoTime, unixSeconds } from "../../lib/clock.ts";
import type { ConversationRow, Records } from "../conversations/records.ts";
import { conversationPushData, conversationsByIds } from "../conversations/serialize.ts";
import { botPushData, userPushData } from "../messages/push.ts";
import { renderMentions } from "../messages/mentions.ts";
import type { NotificationRow } from "./queries.ts";

const TITLES: Record<string, string> = {
  conversation_creation: "A conversation (#%{id}) has been created in %{inbox}",
  conversation_assignment: "A conversation (#%{id}) has been assigned to you",
  assigned_conversation_new_message: "A new message is created in conversation (#%{id})",
  participating_conversation_new_message: "A new message is created in conversation (#%{id})",
  conversation_mention: "You have been mentioned in conversation (#%{id})",
  sla_missed_first_response: "SLA target first response missed for conversation (#%{id})",
  sla_missed_next_response: "SLA target next response missed for conversation (#%{id})",
  sla_missed_resolution: "SLA target resolution missed for conversation (#%{id})",
};

/** The notifications API's rendering of a page (notifications/index.json.jbuilder payload items). */
export function notificationsJson(records: Records, rows: NotificationRow[]) {
  const convIds = rows.filter((n) => n.primary_actor_type === "Conversation").map((n) => n.primary_actor_id);
  const convs = new Map(conversationsByIds(records.db, records.accountId, [...new Set(convIds)]).map((c) => [c.id, c]));
  const messageIds = rows.filter((n) => n.secondary_actor_type === "Message" && n.secondary_actor_id != null).map((n) => n.secondary_actor_id!);
  const contents = new Map(
    messageIds.length
      ? records.db
          .select({ id: messages.id, content: messages.content })
          .from(messages)
          .where(and(eq(messages.account_id, records.accountId), inArray(messages.id, messageIds)))
          .all()
          .map((m) => [m.id, m.content ?? ""])
      : [],
  );
  records.loadUsers(rows.map((n) => n.user_id));
  return rows.map((n) => notificationJson(records, n, convs.get(n.primary_actor_id), contents));
}

export function notificationJson(records: Records, n: NotificationRow, conversation: ConversationRow | undefined, contents: Map<number, string>) {
  const inbox = conversation ? records.inbox(conversation.inbox_id)?.inbox : undefined;
  const title = (TITLES[n.notification_type] ?? "")
    .replace("%{id}", String(conversation?.display_id ?? ""))
    .replace("%{inbox}", inbox?.name ?? "");
  const body = n.secondary_actor_type === "Message" && n.secondary_actor_id != null ? renderMentions(contents.get(n.secondary_actor_id) ?? "").slice(0, 200) : "";
  const user = records.user(n.user_id);
  return {
    id: n.id,
    notification_type: n.notification_type,
    push_message_title: title,
    push_message_body: body,
    primary_actor_type: n.primary_actor_type,
    primary_actor_id: n.primary_actor_id,
    ...(conversation ? { primary_actor: conversationPushData(records, conversation) } : {}),
    read_at: n.read_at == null ? null : isoTime(n.read_at),
    secondary_actor: secondaryActor(records, n),
    user: user ? userPushData(user) : null,
    created_at: unixSeconds(n.created_at),
    last_activity_at: unixSeconds(n.last_activity_at),
    snoozed_until: n.snoozed_until == null ? null : isoTime(n.snoozed_until),
    meta: n.meta,
    account_id: n.account_id,
  };
}

function secondaryActor(records: Records, n: NotificationRow) {
  if (n.secondary_actor_id == null) return null;
  if (n.secondary_actor_type === "User") {
    const u = records.user(n.secondary_actor_id);
    return u ? userPushData(u) : null;
  }
  if (n.secondary_actor_type === "AgentBot") {
    const b = records.bot(n.secondary_actor_id);
    return b ? botPushData(b) : null;
  }
  if (n.secondary_actor_type === "Message") {
    const m = records.db
      .select()
      .from(messages)
      .where(and(eq(messages.id, n.secondary_actor_id), eq(messages.account_id, records.accountId)))
      .get();
    return m ? { id: m.id, content: m.content, message_type: m.message_type, created_at: unixSeconds(m.created_at), conversation_id: m.conversation_id, private: m.private } : null;
  }
  return null;
}

/** A notification as Chatwoot's `render json: @notification` returns it after update/unread/snooze. */
export function notificationRecordJson(n: NotificationRow) {
  return {
    id: n.id,
    user_id: n.user_id,
    notification_type: n.notification_type,
    primary_actor_type: n.primary_actor_type,
    primary_actor_id: n.primary_actor_id,
    secondary_actor_type: n.secondary_actor_type,
    secondary_actor_id: n.secondary_actor_id,
    read_at: n.read_at == null ? null : isoTime(n.read_at),
    created_at: isoTime(n.created_at),
    updated_at: isoTime(n.updated_at),
    account_id: n.account_id,
    snoozed_until: n.snoozed_until == null ? null : isoTime(n.snoozed_until),
    last_activity_at: isoTime(n.last_activity_at),
    meta: n.meta,
  };
}
