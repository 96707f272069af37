import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { accounts } from "../../db/schema/accounts.ts";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import type { Tx } from "../../db/tx.ts";
import { issueAccessToken, revokeAccessToken } from "../auth/access-tokens.ts";
import { Validation, type FieldError } from "../errors.ts";
import { getAgentBot, type AgentBotRow, type AgentBotScope } from "./queries.ts";

/** Chatwoot's AgentBot bot_type enum. */
export const BOT_TYPES = ["webhook"] as const;
export type BotType = (typeof BOT_TYPES)[number];

export type AgentBotInput = {
  name?: string;
  description?: string | null;
  outgoing_url?: string | null;
  avatar_url?: string | null;
  bot_type?: string;
  bot_config?: Record<string, unknown>;
  /** Null (the default) makes a global bot every account can use. */
  account_id?: number | null;
};

const MAX_URL = 2048;

function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL || !URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return (protocol === "http:" || protocol === "https:") && hostname !== "";
}

function checkInput(tx: Tx, input: AgentBotInput, creating: boolean) {
  const errors: FieldError[] = [];
  if ((creating || input.name !== undefined) && !input.name?.trim()) errors.push({ field: "name", message: "can't be blank" });
  if (input.name && input.name.length > 255) errors.push({ field: "name", message: "is too long (maximum is 255 characters)" });
  if (input.outgoing_url && !isHttpUrl(input.outgoing_url)) errors.push({ field: "outgoing_url", message: "must be an http(s) URL" });
  if (input.avatar_url && !isHttpUrl(input.avatar_url)) errors.push({ field: "avatar_url", message: "must be an http(s) URL" });
  if (input.bot_type !== undefined && !(BOT_TYPES as readonly string[]).includes(input.bot_type)) {
    errors.push({ field: "bot_type", message: `must be one of: ${BOT_TYPES.join(", ")}` });
  }
  if (input.account_id != null && !tx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.account_id)).get()) {
    errors.push({ field: "account_id", message: "must exist" });
  }
  if (errors.length) throw new Validation(errors);
}

/** A random signing secret for X-Chatwoot-Signature on the bot's outgoing_url deliveries. */
export function newBotSecret(): string {
  return randomBytes(24).toString("base64url");
}

/** Creates a bot with its API access token (Chatwoot's AccessTokenable). */
export function createAgentBot(tx: Tx, input: AgentBotInput & { name: string }): AgentBotRow {
  checkInput(tx, input, true);
  const bot = tx.db
    .insert(agent_bots)
    .values({
      account_id: input.account_id ?? null,
      name: input.name.trim(),
      description: input.description ?? null,
      outgoing_url: input.outgoing_url || null,
      avatar_url: input.avatar_url || null,
      bot_type: input.bot_type ?? "webhook",
      bot_config: input.bot_config ?? {},
      // The webhook signing secret (the help center: "we automatically generate a secret").
      secret: newBotSecret(),
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  issueAccessToken(tx, "AgentBot", bot.id);
  tx.emit("agent_bot.created", { agent_bot_id: bot.id, account_id: bot.account_id });
  return bot;
}

/** Updates the given fields. With a scope, only a bot of that account can be changed (NotFound otherwise). */
export function updateAgentBot(tx: Tx, botId: number, patch: AgentBotInput, scope?: AgentBotScope): AgentBotRow {
  getAgentBot(tx.db, botId, scope);
  checkInput(tx, patch, false);
  const set: Partial<typeof agent_bots.$inferInsert> = { updated_at: tx.now };
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.outgoing_url !== undefined) set.outgoing_url = patch.outgoing_url || null;
  if (patch.avatar_url !== undefined) set.avatar_url = patch.avatar_url || null;
  if (patch.bot_type !== undefined) set.bot_type = patch.bot_type;
  if (patch.bot_config !== undefined) set.bot_config = patch.bot_config;
  if (patch.account_id !== undefined && !scope) set.account_id = patch.account_id;
  const bot = tx.db.update(agent_bots).set(set).where(eq(agent_bots.id, botId)).returning().get();
  tx.emit("agent_bot.updated", { agent_bot_id: bot.id, account_id: bot.account_id });
  return bot;
}

/** Deletes the bot and revokes its API token. */
export function deleteAgentBot(tx: Tx, botId: number, scope?: AgentBotScope): void {
  const bot = getAgentBot(tx.db, botId, scope);
  tx.db.delete(agent_bots).where(eq(agent_bots.id, botId)).run();
  revokeAccessToken(tx, "AgentBot", botId);
  tx.emit("agent_bot.deleted", { agent_bot_id: botId, account_id: bot.account_id });
}

/** Replaces the bot's API token; the old one stops working at once. */
export function resetAgentBotAccessToken(tx: Tx, botId: number, scope?: AgentBotScope): string {
  const bot = getAgentBot(tx.db, botId, scope);
  const token = issueAccessToken(tx, "AgentBot", botId);
  tx.emit("agent_bot.updated", { agent_bot_id: botId, account_id: bot.account_id });
  return token;
}

/** Replaces the bot's signing secret; deliveries enqueued from now on are signed with the new one. */
export function resetAgentBotSecret(tx: Tx, botId: number, scope?: AgentBotScope): AgentBotRow {
  getAgentBot(tx.db, botId, scope);
  const bot = tx.db.update(agent_bots).set({ secret: newBotSecret(), updated_at: tx.now }).where(eq(agent_bots.id, botId)).returning().get();
  tx.emit("agent_bot.updated", { agent_bot_id: botId, account_id: bot.account_id });
  return bot;
}
