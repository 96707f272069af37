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
};

export type EventName = keyof EventMap;

export type DomainEvent<K extends EventName = EventName> = {
  [N in K]: { name: N; data: EventMap[N]; at: number };
}[K];
