// Connecting an agent bot to an inbox (Chatwoot's AgentBotInbox; inboxes#set_agent_bot). At most one bot per
// inbox; while it is connected and active, new conversations there start pending and its outgoing_url receives
// the inbox's bot events.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { cachedRead } from "../../db/read-cache.ts";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import { agent_bot_inboxes } from "../../db/schema/webhooks.ts";
import type { Tx } from "../../db/tx.ts";
import { NotFound } from "../errors.ts";
import { getAgentBotVisibleTo, type AgentBotRow } from "./queries.ts";

function inboxOf(db: Db, accountId: number, inboxId: number) {
  const inbox = db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.account_id, accountId)))
    .get();
  if (!inbox) throw new NotFound("Inbox");
  return inbox;
}

/** The bot connected to the inbox (active or not), or null. */
export function inboxAgentBot(db: Db, accountId: number, inboxId: number): AgentBotRow | null {
  inboxOf(db, accountId, inboxId);
  const row = db
    .select({ bot: agent_bots })
    .from(agent_bot_inboxes)
    .innerJoin(agent_bots, eq(agent_bots.id, agent_bot_inboxes.agent_bot_id))
    .where(and(eq(agent_bot_inboxes.inbox_id, inboxId), eq(agent_bot_inboxes.account_id, accountId)))
    .get();
  return row?.bot ?? null;
}

/** The bot that handles the inbox now (Inbox#active_bot?): connected with status active. */
// Prepared once per connection: every message and conversation change asks it.
const activeBotOfInbox = preparedFor((db) =>
  db
    .select({ bot: agent_bots })
    .from(agent_bot_inboxes)
    .innerJoin(agent_bots, eq(agent_bots.id, agent_bot_inboxes.agent_bot_id))
    .where(
      and(
        eq(agent_bot_inboxes.inbox_id, sql.placeholder("inboxId")),
        eq(agent_bot_inboxes.account_id, sql.placeholder("accountId")),
        eq(agent_bot_inboxes.status, "active"),
      ),
    )
    .prepare(),
);

export function activeInboxBot(db: Db, accountId: number, inboxId: number): AgentBotRow | null {
  return cachedRead(db, `inbox-bot:${accountId}:${inboxId}`, () => activeBotOfInbox(db).get({ accountId, inboxId })?.bot ?? null);
}

/** The bot id connected to each of the account's inboxes (for the dashboard's inbox list). */
export function inboxBotIds(db: Db, accountId: number): Map<number, number> {
  const rows = db
    .select({ inbox_id: agent_bot_inboxes.inbox_id, bot_id: agent_bot_inboxes.agent_bot_id })
    .from(agent_bot_inboxes)
    .where(eq(agent_bot_inboxes.account_id, accountId))
    .all();
  return new Map(rows.map((r) => [r.inbox_id, r.bot_id]));
}

/**
 * set_agent_bot: connects the bot (the account's own or a global one) to the inbox, replacing any other; null
 * disconnects. Returns the connected bot or null.
 */
export function setInboxAgentBot(tx: Tx, accountId: number, inboxId: number, botId: number | null): AgentBotRow | null {
  inboxOf(tx.db, accountId, inboxId);
  if (botId === null) {
    tx.db
      .delete(agent_bot_inboxes)
      .where(and(eq(agent_bot_inboxes.inbox_id, inboxId), eq(agent_bot_inboxes.account_id, accountId)))
      .run();
    return null;
  }
  const bot = getAgentBotVisibleTo(tx.db, botId, accountId);
  tx.db
    .insert(agent_bot_inboxes)
    .values({ account_id: accountId, inbox_id: inboxId, agent_bot_id: bot.id, status: "active", created_at: tx.now, updated_at: tx.now })
    .onConflictDoUpdate({ target: agent_bot_inboxes.inbox_id, set: { agent_bot_id: bot.id, status: "active", updated_at: tx.now } })
    .run();
  return bot;
}

/** The account's inboxes with their channel type and connected bot (the dashboard's inbox bot configuration). */
export function inboxesWithBots(db: Db, accountId: number): { id: number; name: string; channel_type: string; bot_id: number | null }[] {
  const bots = inboxBotIds(db, accountId);
  return db
    .select({ id: inboxes.id, name: inboxes.name, channel_type: channels.channel_type })
    .from(inboxes)
    .innerJoin(channels, and(eq(channels.id, inboxes.channel_id), eq(channels.account_id, inboxes.account_id)))
    .where(eq(inboxes.account_id, accountId))
    .orderBy(asc(inboxes.id))
    .all()
    .map((r) => ({ ...r, bot_id: bots.get(r.id) ?? null }));
}
