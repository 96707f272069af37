// The domain event union. Names follow Chatwoot's event names so webhooks, bots and /cable can reuse them.
// Each later area adds its events to EventMap.

export type EventMap = {
  "account.created": { account_id: number };
  "account.updated": { account_id: number; changed: string[] };
  "account.deleted": { account_id: number };
  "user.created": { user_id: number };
  "user.updated": { user_id: number; changed: string[] };
  "user.deleted": { user_id: number };
  "account_user.created": { account_id: number; user_id: number; role: string };
  "account_user.updated": { account_id: number; user_id: number; role: string };
  "account_user.deleted": { account_id: number; user_id: number };
  /** An agent's availability (online/busy/offline) changed in an account. */
  "presence.update": { account_id: number; user_id: number; availability: string };
  "agent_bot.created": { agent_bot_id: number; account_id: number | null };
  "agent_bot.updated": { agent_bot_id: number; account_id: number | null };
  "agent_bot.deleted": { agent_bot_id: number; account_id: number | null };

  // The shared inbox. Payloads carry ids (and what changed); listeners that need the records read them
  // inside the emitting transaction, so what they serialize is the state the event describes.
  "inbox.created": { account_id: number; inbox_id: number };
  "inbox.updated": { account_id: number; inbox_id: number };
  "inbox.deleted": { account_id: number; inbox_id: number };
  "team.created": { account_id: number; team_id: number };
  "team.updated": { account_id: number; team_id: number };
  "team.deleted": { account_id: number; team_id: number };
  "contact.created": { account_id: number; contact_id: number; performer?: EventPerformer };
  "contact.updated": { account_id: number; contact_id: number; changed_attributes: ChangedAttributes; performer?: EventPerformer };
  "contact.deleted": { account_id: number; contact_id: number; snapshot: Record<string, unknown>; performer?: EventPerformer };
  "contact.merged": { account_id: number; contact_id: number; merged_contact_id: number; performer?: EventPerformer };
  "conversation.created": { account_id: number; conversation_id: number; performer?: EventPerformer };
  /** Any change of conversation attributes, with Chatwoot's changed_attributes (current/previous values). */
  "conversation.updated": { account_id: number; conversation_id: number; changed_attributes: ChangedAttributes; performer?: EventPerformer };
  "conversation.status_changed": { account_id: number; conversation_id: number; previous: string; status: string; performer?: EventPerformer };
  "conversation.read": { account_id: number; conversation_id: number; by: "agent" | "contact"; user_id: number | null };
  "conversation.contact_changed": { account_id: number; conversation_id: number; previous_contact_id: number; performer?: EventPerformer };
  "conversation.typing_on": { account_id: number; conversation_id: number; user_id: number | null; contact_id: number | null; is_private: boolean };
  "conversation.typing_off": { account_id: number; conversation_id: number; user_id: number | null; contact_id: number | null; is_private: boolean };
  "conversation.mentioned": { account_id: number; conversation_id: number; user_id: number; message_id: number; performer?: EventPerformer };
  "assignee.changed": { account_id: number; conversation_id: number; previous_assignee_id: number | null; assignee_id: number | null; performer?: EventPerformer };
  "team.changed": { account_id: number; conversation_id: number; previous_team_id: number | null; team_id: number | null; performer?: EventPerformer };
  /** echo_id: the client's id for its optimistic copy (not stored; only the realtime broadcast carries it back). */
  "message.created": { account_id: number; conversation_id: number; message_id: number; echo_id?: string; performer?: EventPerformer };
  /** The conversation's first public reply by an agent (Chatwoot's Message#valid_first_reply?); sets first_reply_created_at. */
  "first.reply.created": { account_id: number; conversation_id: number; message_id: number; performer?: EventPerformer };
  "message.updated": { account_id: number; conversation_id: number; message_id: number; changed_attributes: ChangedAttributes; performer?: EventPerformer };
  "notification.created": { account_id: number; user_id: number; notification_id: number };
  "notification.updated": { account_id: number; user_id: number; notification_id: number; performer?: EventPerformer };
  "notification.deleted": { account_id: number; user_id: number; notification_id: number; performer?: EventPerformer };
  /** The website widget was opened (POST /api/v1/widget/events): webhooks get Chatwoot's webwidget_triggered. */
  /** Labels, inboxes or teams of the account changed: clients holding cached lists refetch that kind (Chatwoot's CacheKeys). */
  "account.cache_invalidated": { account_id: number; cache_key: CacheKey; performer?: EventPerformer };
  "webwidget.triggered": { account_id: number; inbox_id: number; contact_id: number; contact_inbox_id: number; event_info: Record<string, unknown> };
};

/**
 * The user or agent bot whose request made the change (Chatwoot's Current.user), for realtime payloads' `performer`.
 * Absent when a contact, a job or the system made it. "AutomationRule": a rule's actions (rules skip those events).
 */
export type EventPerformer = { type: "User" | "AgentBot" | "AutomationRule"; id: number };

/** The kinds of account records whose lists clients cache (Chatwoot's CacheKeys: Label, Inbox, Team). */
export type CacheKey = "label" | "inbox" | "team";

/** Chatwoot's changed_attributes: for each changed attribute, its current and previous value. */
export type ChangedAttributes = Record<string, { current_value: unknown; previous_value: unknown }>;

export type EventName = keyof EventMap;

export type DomainEvent<K extends EventName = EventName> = {
  [N in K]: { name: N; data: EventMap[N]; at: number };
}[K];
