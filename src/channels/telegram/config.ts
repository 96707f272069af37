import { z } from "zod";
import { Validation } from "../../domain/errors.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { randomToken } from "../../lib/ids.ts";
import { openSecret, sealSecret } from "../framework/secrets.ts";
import type { ConnectContext } from "../framework/types.ts";
import type { ChannelKind, ChannelRow } from "../registry.ts";
import { callBot, TelegramError, type TelegramUser } from "./api.ts";
import { fetchTelegramAvatar, TELEGRAM_AVATAR_JOB } from "./avatar.ts";
import { checkTelegramWebhooks, disconnectTelegram, WEBHOOK_CHECK_EVERY_MS } from "./health.ts";
import { telegramRoutes } from "./inbound.ts";
import { sendTelegramMessage } from "./outbound.ts";

/**
 * The Telegram channel (Chatwoot's Channel::Telegram): a bot token from @BotFather. Creating the inbox calls getMe
 * (the bot's name) and setWebhook to {publicUrl}/webhooks/telegram/{bot_token} with a secret token that every update
 * must carry. The token is stored sealed and never returned; the channel is found by a digest of it.
 */

/** Bot tokens look like "123456789:AA…" (the bot's id, a colon, 35 characters). */
const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;

export const telegramSettings = z.object({
  bot_token: z.string({ error: "must be a string" }).trim().regex(BOT_TOKEN, "is not a Telegram bot token (123456:ABC…)").optional(),
});

/** What is stored after connect: the sealed token, the bot's username, the webhook secret and the token digest. */
export type TelegramSettings = z.infer<typeof telegramSettings> & { bot_name?: string; webhook_secret?: string; token_digest?: string };

/** The Update types Parley handles (setWebhook's allowed_updates). */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"];

/** How a channel row is found from the token in the webhook URL. */
export function tokenDigest(token: string): string {
  return sha256Hex(`telegram:${token}`);
}

export function webhookUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/webhooks/telegram/${token}`;
}

/** The plain bot token of a stored channel. */
export function botToken(secretKey: string, channel: Pick<ChannelRow, "config">): string {
  return openSecret(secretKey, String(channel.config.bot_token ?? ""));
}

/** Telegram::… getMe + setWebhook: the token works, the bot answers to this server. 422 naming channel.bot_token when not. */
async function connectTelegram(ctx: ConnectContext, settings: TelegramSettings): Promise<TelegramSettings> {
  const { deps } = ctx;
  if (!settings.bot_token) {
    if (ctx.current) return {};
    throw Validation.field("channel.bot_token", "can't be blank");
  }
  const token = settings.bot_token;
  let me: TelegramUser;
  try {
    me = await callBot<TelegramUser>(deps, token, "getMe", {});
  } catch (err) {
    throw Validation.field("channel.bot_token", `was refused by Telegram: ${describe(err)}`);
  }
  const secret = randomToken(48);
  try {
    await callBot<boolean>(deps, token, "setWebhook", {
      url: webhookUrl(deps.config.publicUrl, token),
      secret_token: secret,
      allowed_updates: ALLOWED_UPDATES,
    });
  } catch (err) {
    const hint = deps.config.publicUrl.startsWith("https://") ? "" : " (Telegram only calls public https:// addresses: set PARLEY_PUBLIC_URL)";
    throw Validation.field("channel.bot_token", `could not register the webhook with Telegram: ${describe(err)}${hint}`);
  }
  return { bot_token: sealSecret(deps.config.secretKey, token), bot_name: me.username ?? me.first_name ?? "", webhook_secret: secret, token_digest: tokenDigest(token) };
}

function describe(err: unknown): string {
  return err instanceof TelegramError ? err.message : ((err as Error)?.message ?? String(err));
}

export const telegramChannel: ChannelKind<TelegramSettings> = {
  param: "telegram",
  channelType: "Channel::Telegram",
  settings: telegramSettings,
  columnsForCreate: (s) => ({
    webhook_url: null,
    hmac_mandatory: false,
    additional_attributes: {},
    config: { bot_token: s.bot_token, bot_name: s.bot_name },
    identifier: s.token_digest,
    secret: s.webhook_secret,
  }),
  columnsForUpdate: (current, s) =>
    s.bot_token
      ? {
          config: { ...current.config, bot_token: s.bot_token, bot_name: s.bot_name },
          identifier: s.token_digest,
          secret: s.webhook_secret,
          // A new token starts over: connected again with the next update or webhook check.
          connection_status: null,
          connection_error: null,
        }
      : {},
  // Chatwoot's inbox jbuilder: bot_name for Telegram inboxes; the token is never shown.
  inboxFields: (channel) => ({ bot_name: channel.config.bot_name ?? null }),
  // A Telegram user is reachable only in the chat they opened with the bot.
  contactableSourceId: ({ latestSourceId }) => latestSourceId,
  newSourceId: () => crypto.randomUUID(),
  connect: (ctx, settings) => connectTelegram(ctx, settings),
  routes: (deps) => telegramRoutes(deps),
  sender: (ctx) => sendTelegramMessage(ctx),
  disconnect: (deps, channel) => disconnectTelegram(deps, channel),
  jobs: (deps) => ({ [TELEGRAM_AVATAR_JOB]: (payload) => fetchTelegramAvatar(deps, payload) }),
  // Telegram keeps the last error it met delivering to our webhook: the inbox page shows a failing webhook.
  pollers: [{ name: "telegram-webhook-info", everyMs: WEBHOOK_CHECK_EVERY_MS, run: (deps) => checkTelegramWebhooks(deps) }],
  form: {
    label: "Telegram",
    description: "Talk to customers through your Telegram bot.",
    icon: "conversations",
    steps: [
      "In Telegram, open @BotFather, send /newbot and follow the prompts.",
      "Copy the bot token BotFather gives you and paste it below.",
      "Parley checks the token with Telegram and registers its webhook; messages to the bot arrive in this inbox.",
    ],
    fields: [{ name: "bot_token", label: "Bot token", type: "password", required: true, placeholder: "123456789:AAE…", help: "Stored encrypted; never shown again." }],
    updateFields: ["bot_token"],
  },
  details: (channel) => [
    { label: "Bot", value: channel.config.bot_name ? `@${String(channel.config.bot_name)}` : "(unknown)" },
    { label: "Webhook", value: "Registered with Telegram; every update must carry the inbox's secret token." },
  ],
};
