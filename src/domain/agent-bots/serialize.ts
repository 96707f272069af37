import { isoTime } from "../../lib/clock.ts";
import type { AccessTokenRow, AgentBotRow } from "./queries.ts";

/**
 * Chatwoot renders the bot's AccessToken record itself (`json.access_token resource.access_token`), so
 * the field is the token object, with the secret in `access_token.token`.
 */
export function serializeAccessToken(token: AccessTokenRow) {
  return {
    id: token.id,
    owner_type: token.owner_type,
    owner_id: token.owner_id,
    token: token.token,
    created_at: isoTime(token.created_at),
    updated_at: isoTime(token.updated_at),
  };
}

/** The bot as the Platform API returns it (platform/api/v1/models/_agent_bot). */
export function serializeAgentBot(bot: AgentBotRow, token: AccessTokenRow | null) {
  return {
    id: bot.id,
    name: bot.name,
    description: bot.description,
    thumbnail: bot.avatar_url ?? "",
    outgoing_url: bot.outgoing_url,
    bot_type: bot.bot_type,
    bot_config: bot.bot_config,
    account_id: bot.account_id,
    ...(token ? { access_token: serializeAccessToken(token) } : {}),
  };
}

/**
 * The bot as the account API returns it (api/v1/models/_agent_bot): system (global) bots hide their
 * outgoing_url; the access token and signing secret are shown only to administrators, and only for the
 * account's own bots (a global bot's credentials belong to the installation).
 */
export function serializeAccountAgentBot(bot: AgentBotRow, token: AccessTokenRow | null, administrator: boolean) {
  const systemBot = bot.account_id === null;
  const showSecrets = administrator && !systemBot;
  return {
    id: bot.id,
    name: bot.name,
    description: bot.description,
    thumbnail: bot.avatar_url ?? "",
    ...(systemBot ? {} : { outgoing_url: bot.outgoing_url }),
    bot_type: bot.bot_type,
    bot_config: bot.bot_config,
    account_id: bot.account_id,
    ...(showSecrets && token ? { access_token: serializeAccessToken(token) } : {}),
    ...(showSecrets ? { secret: bot.secret } : {}),
    system_bot: systemBot,
  };
}
