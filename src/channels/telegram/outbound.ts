import { ChannelSendError } from "../framework/provider.ts";
import { recordConnection } from "../framework/status.ts";
import type { OutboundAttachment, SendContext, SendResult } from "../framework/types.ts";
import { callBot, TelegramError } from "./api.ts";
import { botToken } from "./config.ts";
import { isEntityError, telegramHtml } from "./format.ts";

type SentMessage = { message_id: number; chat: { id: number } };

/** Telegram's limits: 4096 characters of text, 1024 of caption, 64 bytes of callback data. */
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** The Telegram message id from Parley's "<chat id>:<message id>" source_id. */
function messageIdOf(sourceId: string | null | undefined): number | null {
  const id = Number(sourceId?.split(":").pop());
  return Number.isInteger(id) && id > 0 ? id : null;
}

function truncateBytes(value: string, max: number): string {
  let out = value;
  while (new TextEncoder().encode(out).length > max) out = out.slice(0, -1);
  return out;
}

/** An input_select message's options as an inline keyboard (one button per row, Chatwoot's reply_markup). */
function keyboardOf(ctx: SendContext): Record<string, unknown> | undefined {
  if (ctx.message.content_type !== "input_select") return undefined;
  const items = (ctx.message.content_attributes.items as { title?: string; value?: string }[] | undefined) ?? [];
  if (!items.length) return undefined;
  return {
    inline_keyboard: items.map((i) => [{ text: String(i.title ?? i.value ?? "").slice(0, 100) || "-", callback_data: truncateBytes(String(i.value ?? i.title ?? ""), 64) }]),
  };
}

/** The text to send: the content, and for a CSAT survey the link to rate the conversation (Telegram has no widget form). */
function textOf(ctx: SendContext): string {
  const content = ctx.message.content ?? "";
  if (ctx.message.content_type === "input_csat") {
    const link = `${ctx.deps.config.publicUrl}/survey/responses/${ctx.conversation.uuid}`;
    return content ? `${content}\n${link}` : link;
  }
  return content;
}

const MEDIA: Record<string, [method: string, field: string]> = {
  image: ["sendPhoto", "photo"],
  audio: ["sendAudio", "audio"],
  video: ["sendVideo", "video"],
};

/** Sends a text (or caption) formatted; if Telegram cannot parse the markup, the same text again as typed. */
async function withFormatting<T>(send: (format: { text: (plain: string) => string; parse_mode?: "HTML" }) => Promise<T>): Promise<T> {
  try {
    return await send({ text: telegramHtml, parse_mode: "HTML" });
  } catch (err) {
    if (!(err instanceof TelegramError) || err.code !== 400 || !isEntityError(err.message)) throw err;
    return send({ text: (plain) => plain });
  }
}

const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);
const photoSafe = (a: OutboundAttachment) => PHOTO_TYPES.has(a.row.content_type ?? "");
/** Photos and videos can go together as an album (sendMediaGroup). */
const albumItem = (a: OutboundAttachment) => (a.row.file_type === "image" && photoSafe(a)) || a.row.file_type === "video";

/** Two to ten photos and videos as one album; the caption on the first. Answers the album's messages. */
async function sendAlbum(ctx: SendContext, token: string, chatId: string, items: OutboundAttachment[], extra: Record<string, string>): Promise<SentMessage[]> {
  const uploads = await Promise.all(items.map((a) => a.read()));
  const build = (caption?: { text: string; parse_mode?: string }) => {
    const form = new FormData();
    form.set("chat_id", chatId);
    if (extra.reply_parameters) form.set("reply_parameters", extra.reply_parameters);
    const media = items.map((a, i) => ({
      type: a.row.file_type === "video" ? "video" : "photo",
      media: `attach://file${i}`,
      ...(i === 0 && caption ? { caption: caption.text, ...(caption.parse_mode ? { parse_mode: caption.parse_mode } : {}) } : {}),
    }));
    form.set("media", JSON.stringify(media));
    items.forEach((a, i) => form.set(`file${i}`, new Blob([uploads[i] as Uint8Array<ArrayBuffer>], { type: a.row.content_type ?? "application/octet-stream" }), a.row.file_name || "file"));
    return form;
  };
  if (extra.caption == null) return callBot<SentMessage[]>(ctx.deps, token, "sendMediaGroup", build());
  return withFormatting((f) => callBot<SentMessage[]>(ctx.deps, token, "sendMediaGroup", build({ text: f.text(extra.caption), parse_mode: f.parse_mode })));
}

async function sendAttachment(ctx: SendContext, token: string, chatId: string, a: OutboundAttachment, extra: Record<string, string>): Promise<SentMessage | null> {
  if (a.row.file_type === "location") {
    if (a.row.coordinates_lat == null || a.row.coordinates_long == null) return null;
    const reply = extra.reply_parameters ? { reply_parameters: JSON.parse(extra.reply_parameters) } : {};
    return callBot<SentMessage>(ctx.deps, token, "sendLocation", { chat_id: chatId, latitude: a.row.coordinates_lat, longitude: a.row.coordinates_long, ...reply });
  }
  const bytes = await a.read();
  if (!bytes) return null;
  // GIFs and unusual images go as documents (sendPhoto recompresses and refuses some formats).
  const [method, field] = (a.row.file_type !== "image" || photoSafe(a) ? MEDIA[a.row.file_type] : undefined) ?? ["sendDocument", "document"];
  const upload = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: a.row.content_type ?? "application/octet-stream" });
  const build = (caption?: { text: string; parse_mode?: string }) => {
    const form = new FormData();
    form.set("chat_id", chatId);
    for (const [k, v] of Object.entries(extra)) if (k !== "caption") form.set(k, v);
    if (caption) {
      form.set("caption", caption.text);
      if (caption.parse_mode) form.set("parse_mode", caption.parse_mode);
    }
    form.set(field, upload, a.row.file_name || "file");
    return form;
  };
  if (extra.caption == null) return callBot<SentMessage>(ctx.deps, token, method, build());
  return withFormatting((f) => callBot<SentMessage>(ctx.deps, token, method, build({ text: f.text(extra.caption), parse_mode: f.parse_mode })));
}

/**
 * Telegram::SendOnTelegramService: the text with sendMessage (an input_select's options as an inline keyboard,
 * replies threaded with reply_to_message_id), then each attachment with sendPhoto / sendAudio / sendVideo /
 * sendDocument (multipart upload) or sendLocation, the text as the first one's caption when it fits. Telegram's
 * `description` of a refusal becomes the message's external_error.
 */
export async function sendTelegramMessage(ctx: SendContext): Promise<SendResult> {
  const { deps, channel } = ctx;
  let token: string;
  try {
    token = botToken(deps.config.secretKey, channel);
  } catch {
    throw new ChannelSendError("The inbox's bot token cannot be read (was the server's secret key changed?)", true);
  }
  const chatId = String(ctx.conversation.additional_attributes.chat_id ?? ctx.contactInbox?.source_id ?? "");
  if (!chatId) throw new ChannelSendError("The conversation has no Telegram chat", true);

  const replyId = messageIdOf(ctx.replyTo?.source_id ?? (ctx.message.content_attributes.in_reply_to_external_id as string | undefined));
  const reply = replyId ? { reply_parameters: { message_id: replyId, allow_sending_without_reply: true } } : {};
  const text = textOf(ctx);
  const keyboard = keyboardOf(ctx);
  const files = ctx.attachments.filter((a) => a.row.file_type !== "location");
  const captioned = !!text && !keyboard && files.length > 0 && text.length <= MAX_CAPTION;

  try {
    let first: SentMessage | null = null;
    if (text && !captioned) {
      for (let at = 0; at < text.length; at += MAX_TEXT) {
        const part = text.slice(at, at + MAX_TEXT);
        const sent = await withFormatting((f) =>
          callBot<SentMessage>(deps, token, "sendMessage", {
            chat_id: chatId,
            text: f.text(part),
            ...(f.parse_mode ? { parse_mode: f.parse_mode } : {}),
            ...(at === 0 ? reply : {}),
            ...(keyboard && at + MAX_TEXT >= text.length ? { reply_markup: keyboard } : {}),
          }),
        );
        first ??= sent;
      }
    }
    // The caption goes with the first file sent, the reply reference with the first message of all.
    let captionPending = captioned;
    let replyPending = !first && !!replyId;
    const extraFor = (withCaption: boolean) => {
      const extra: Record<string, string> = {};
      if (withCaption && captionPending) {
        extra.caption = text;
        captionPending = false;
      }
      if (replyPending) {
        extra.reply_parameters = JSON.stringify(reply.reply_parameters);
        replyPending = false;
      }
      return extra;
    };
    const album = files.filter((a) => a.row.storage_key && albumItem(a));
    const useAlbum = album.length >= 2;
    if (useAlbum) {
      for (let at = 0; at < album.length; at += 10) {
        const chunk = album.slice(at, at + 10);
        const sent = chunk.length === 1 ? await sendAttachment(ctx, token, chatId, chunk[0], extraFor(true)) : (await sendAlbum(ctx, token, chatId, chunk, extraFor(true)))[0];
        first ??= sent ?? null;
      }
    }
    for (const a of ctx.attachments) {
      if (useAlbum && album.includes(a)) continue;
      const sent = await sendAttachment(ctx, token, chatId, a, extraFor(a.row.file_type !== "location"));
      first ??= sent;
    }
    if (channel.connection_status !== "connected") deps.tx((tx) => recordConnection(tx, channel.id, "connected"));
    return { source_id: first ? `${first.chat.id}:${first.message_id}` : null };
  } catch (err) {
    if (err instanceof TelegramError && err.code === 401) {
      deps.tx((tx) => recordConnection(tx, channel.id, "reauthorization_required", `Telegram refused the bot token: ${err.message}`));
    }
    throw err;
  }
}
