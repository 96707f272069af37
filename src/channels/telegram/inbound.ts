import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../../deps.ts";
import type { InboxRecord } from "../../domain/conversations/records.ts";
import { submitMessageValues } from "../../domain/public-client/commands.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { eq } from "drizzle-orm";
import { safeEqual } from "../../lib/crypto.ts";
import { ChannelSendError } from "../framework/provider.ts";
import { editInboundMessage, findChannelInbox, findMessageBySource, receiveInbound, type InboundAttachment, type InboundMessage } from "../framework/inbound.ts";
import { recordConnection } from "../framework/status.ts";
import { callBot, downloadFile, type TelegramUser } from "./api.ts";
import { enqueueTelegramAvatar } from "./avatar.ts";
import { tokenDigest } from "./config.ts";

const user = z.object({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const file = z.object({ file_id: z.string(), file_name: z.string().optional(), mime_type: z.string().optional(), file_size: z.number().optional() });
const location = z.object({ latitude: z.number(), longitude: z.number() });
const message = z.object({
  message_id: z.number(),
  from: user.optional(),
  chat: z.object({ id: z.number(), type: z.string() }),
  date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(file).optional(),
  document: file.optional(),
  voice: file.optional(),
  audio: file.optional(),
  video: file.optional(),
  video_note: file.optional(),
  animation: file.optional(),
  sticker: file.extend({ emoji: z.string().optional(), is_animated: z.boolean().optional(), is_video: z.boolean().optional(), thumbnail: file.optional(), thumb: file.optional() }).optional(),
  location: location.optional(),
  venue: z.object({ location, title: z.string().optional(), address: z.string().optional() }).optional(),
  contact: z.object({ phone_number: z.string(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
  reply_to_message: z.object({ message_id: z.number(), chat: z.object({ id: z.number() }).optional() }).optional(),
});
const update = z.object({
  update_id: z.number(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: z.object({ id: z.string(), from: user, message: message.optional(), data: z.string().optional() }).optional(),
});
type TelegramMessage = z.infer<typeof message>;

/** A Telegram message id is unique within its chat only: Parley's source_id is "<chat id>:<message id>". */
export function telegramSourceId(chatId: number | string, messageId: number | string): string {
  return `${chatId}:${messageId}`;
}

function contactOf(from: TelegramUser) {
  return {
    source_id: String(from.id),
    name: [from.first_name, from.last_name].filter(Boolean).join(" ") || from.username || String(from.id),
    additional_attributes: {
      username: from.username ?? null,
      language_code: from.language_code ?? null,
      social_telegram_user_id: from.id,
      social_telegram_user_name: from.username ?? null,
    },
  };
}

/** The one file a message carries (Chatwoot's order: photo, sticker, video, voice, audio, document). */
function fileOf(m: TelegramMessage): { file_id: string; name?: string; mime?: string; fallbackType: string } | null {
  if (m.photo?.length) return { file_id: m.photo[m.photo.length - 1].file_id, fallbackType: "image/jpeg" };
  if (m.sticker) {
    const still = !m.sticker.is_animated && !m.sticker.is_video;
    const thumb = m.sticker.thumbnail ?? m.sticker.thumb;
    if (still) return { file_id: m.sticker.file_id, fallbackType: "image/webp" };
    if (thumb) return { file_id: thumb.file_id, fallbackType: "image/webp" };
    return null;
  }
  const f = m.video ?? m.video_note ?? m.animation ?? m.voice ?? m.audio ?? m.document;
  if (!f) return null;
  const fallbackType = m.voice ? "audio/ogg" : m.audio ? "audio/mpeg" : m.document ? "application/octet-stream" : "video/mp4";
  return { file_id: f.file_id, name: f.file_name, mime: f.mime_type, fallbackType };
}

function attachmentsOf(deps: AppDeps, token: string, m: TelegramMessage): () => Promise<InboundAttachment[]> {
  return async () => {
    const out: InboundAttachment[] = [];
    const where = m.venue?.location ?? m.location;
    if (where) out.push({ kind: "location", latitude: where.latitude, longitude: where.longitude, title: m.venue?.title ?? "" });
    if (m.contact) out.push({ kind: "contact", phone_number: m.contact.phone_number, first_name: m.contact.first_name, last_name: m.contact.last_name });
    const f = fileOf(m);
    if (f) {
      let got: Awaited<ReturnType<typeof downloadFile>> = null;
      try {
        got = await downloadFile(deps, token, f.file_id);
      } catch (err) {
        // Telegram will not hand over this file (too big, gone): the message is kept without it.
        if (!(err instanceof ChannelSendError) || !err.permanent) throw err;
        deps.log.warn("telegram: file not downloadable", { file_id: f.file_id, error: err.message });
      }
      if (got) {
        const base = got.path.slice(got.path.lastIndexOf("/") + 1) || "file";
        out.push({ kind: "file", bytes: got.bytes, content_type: f.mime ?? f.fallbackType, file_name: f.name ?? base });
      }
    }
    return out;
  };
}

function inboundOf(deps: AppDeps, token: string, m: TelegramMessage, from: TelegramUser): InboundMessage {
  return {
    contact: contactOf(from),
    source_id: telegramSourceId(m.chat.id, m.message_id),
    content: m.text ?? m.caption ?? null,
    attachments: attachmentsOf(deps, token, m),
    in_reply_to: m.reply_to_message ? telegramSourceId(m.reply_to_message.chat?.id ?? m.chat.id, m.reply_to_message.message_id) : null,
    timestamp: m.date != null ? m.date * 1000 : null,
    conversation_attributes: { chat_id: m.chat.id },
  };
}

/**
 * One Update (https://core.telegram.org/bots/api#update): private-chat messages become incoming messages (groups are
 * ignored, as in Chatwoot), edits change the stored message, a button press (callback_query) becomes the contact's
 * answer to the input_select message it belongs to.
 */
export async function handleTelegramUpdate(deps: AppDeps, where: InboxRecord, token: string, body: unknown): Promise<void> {
  const parsed = update.safeParse(body);
  if (!parsed.success) {
    deps.log.warn("telegram: unreadable update ignored", { inbox_id: where.inbox.id, issue: parsed.error.issues[0]?.message });
    return;
  }
  const u = parsed.data;
  if (u.message) {
    if (u.message.chat.type !== "private" || !u.message.from || u.message.from.is_bot) return;
    const from = u.message.from;
    const result = await receiveInbound(deps, where, inboundOf(deps, token, u.message, from));
    const contact = result.contact;
    if (!result.duplicate && contact && !contact.avatar_url) {
      deps.tx((tx) => enqueueTelegramAvatar(tx, { account_id: contact.account_id, inbox_id: where.inbox.id, contact_id: contact.id, user_id: from.id }));
    }
  } else if (u.edited_message) {
    const m = u.edited_message;
    if (m.chat.type !== "private" || !m.from) return;
    const edited = editInboundMessage(deps, where, { source_id: telegramSourceId(m.chat.id, m.message_id), content: m.text ?? m.caption ?? null });
    if (!edited) await receiveInbound(deps, where, inboundOf(deps, token, m, m.from));
  } else if (u.callback_query) {
    await handleButton(deps, where, token, u.callback_query);
  }
}

async function handleButton(deps: AppDeps, where: InboxRecord, token: string, q: NonNullable<z.infer<typeof update>["callback_query"]>) {
  const origin = q.message ? telegramSourceId(q.message.chat.id, q.message.message_id) : null;
  const value = q.data ?? "";
  const result = await receiveInbound(deps, where, {
    contact: contactOf(q.from),
    source_id: `callback:${q.id}`,
    content: value,
    in_reply_to: origin,
    conversation_attributes: q.message ? { chat_id: q.message.chat.id } : {},
  });
  if (!result.duplicate && origin) {
    // The input_select message answered: its submitted_values, as the widget records a click.
    const asked = findMessageBySource(deps.db, where.inbox.id, origin);
    if (asked && asked.content_type === "input_select") {
      const items = (asked.content_attributes.items as { title?: string; value?: string }[] | undefined) ?? [];
      const item = items.find((i) => i.value === value);
      deps.tx((tx) => {
        const conversation = tx.db.select().from(conversations).where(eq(conversations.id, asked.conversation_id)).get();
        if (conversation) submitMessageValues(tx, conversation, asked.id, [{ title: item?.title ?? value, value }]);
      });
    }
  }
  // Stops the button's loading animation in the user's app; a failure here loses nothing.
  await callBot(deps, token, "answerCallbackQuery", { callback_query_id: q.id }).catch(() => {});
}

/**
 * POST /webhooks/telegram/:bot_token — the URL setWebhook registered. The inbox is found by the token; every update
 * must carry the secret token given to setWebhook (X-Telegram-Bot-Api-Secret-Token), else 401 and nothing is stored.
 * Unreadable updates are answered 200 (Telegram would redeliver them forever); a file Telegram could not hand over yet
 * is answered 503, so the update comes again (deduplicated by message id).
 */
export function telegramRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().post("/webhooks/telegram/:bot_token", async (c) => {
    const token = c.req.param("bot_token");
    const where = findChannelInbox(deps.db, "Channel::Telegram", tokenDigest(token));
    if (!where) return c.json({ message: "Not found" }, 404);
    if (!safeEqual(c.req.header("x-telegram-bot-api-secret-token") ?? "", where.channel.secret)) {
      return c.json({ message: "Invalid secret token" }, 401);
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      deps.log.warn("telegram: update is not JSON", { inbox_id: where.inbox.id });
      return c.json({ ok: true });
    }
    try {
      await handleTelegramUpdate(deps, where, token, body);
    } catch (err) {
      if (err instanceof ChannelSendError && !err.permanent) {
        deps.log.warn("telegram: update will be retried", { inbox_id: where.inbox.id, error: err.message });
        return c.json({ message: "Try again later" }, 503);
      }
      deps.log.error("telegram: update failed", { inbox_id: where.inbox.id, err });
      return c.json({ ok: true });
    }
    if (where.channel.connection_status !== "connected") deps.tx((tx) => recordConnection(tx, where.channel.id, "connected"));
    return c.json({ ok: true });
  });
}
