import { and, asc, eq, isNull, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { access_tokens } from "../../db/schema/accounts.ts";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import { NotFound } from "../errors.ts";

export type AgentBotRow = typeof agent_bots.$inferSelect;
export type AccessTokenRow = typeof access_tokens.$inferSelect;

/**
 * Which bots a caller may reach: the Platform API reaches every bot (no scope); an account reaches only its
 * own bots for writes. Reads of an account also see the installation's global bots (account_id null).
 */
export type AgentBotScope = { accountId: number };

export function findAgentBot(db: Db, id: number): AgentBotRow | undefined {
  return db.select().from(agent_bots).where(eq(agent_bots.id, id)).get();
}

/** The bot, or NotFound when it does not exist or is outside the scope's account. */
export function getAgentBot(db: Db, id: number, scope?: AgentBotScope): AgentBotRow {
  const bot = findAgentBot(db, id);
  if (!bot || (scope && bot.account_id !== scope.accountId)) throw new NotFound("Agent bot");
  return bot;
}

/** Every bot of the installation, oldest first (Platform API). */
export function listAgentBots(db: Db): AgentBotRow[] {
  return db.select().from(agent_bots).orderBy(asc(agent_bots.id)).all();
}

/** The account's own bots and the global ones, as Chatwoot's account agent_bots index lists them. */
export function listAgentBotsForAccount(db: Db, accountId: number): AgentBotRow[] {
  return db
    .select()
    .from(agent_bots)
    .where(or(eq(agent_bots.account_id, accountId), isNull(agent_bots.account_id)))
    .orderBy(asc(agent_bots.id))
    .all();
}

/** A bot the account may use (its own or a global one), or NotFound. */
export function getAgentBotVisibleTo(db: Db, id: number, accountId: number): AgentBotRow {
  const bot = findAgentBot(db, id);
  if (!bot || (bot.account_id !== null && bot.account_id !== accountId)) throw new NotFound("Agent bot");
  return bot;
}

export function agentBotAccessToken(db: Db, botId: number): AccessTokenRow | null {
  return (
    db
      .select()
      .from(access_tokens)
      .where(and(eq(access_tokens.owner_type, "AgentBot"), eq(access_tokens.owner_id, botId)))
      .get() ?? null
  );
}
