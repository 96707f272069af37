// Meta's webhooks for a WhatsApp number at Chatwoot's path /webhooks/whatsapp/{phone_number}:
// GET = the subscription handshake (hub.mode, hub.verify_token, hub.challenge); POST = events, verified by
// X-Hub-Signature-256, kept as a durable job (answered 200 at once, as Meta wants) and processed by the job:
// messages through the framework's inbound pipeline (dedup by wamid), statuses as delivery receipts.
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../../deps.ts";
import { safeEqual } from "../../lib/crypto.ts";
import { DomainError } from "../../domain/errors.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { JobHandler } from "../../jobs/runner.ts";
import { findChannelInbox, receiveInbound, type InboundAttachment, type InboundMessage as FrameworkInbound } from "../framework/inbound.ts";
import { applyDeliveryReceipt, recordConnection } from "../framework/status.ts";
import { GraphError } from "./graph.ts";
import { parseWebhook, splitByCustomer, validSignature, type InboundMessage } from "./payload.ts";
import { CHANNEL_TYPE, credentials, graphFor, mediaAllowPrivate, webhookSecret } from "./settings.ts";

export const WEBHOOK_JOB = "whatsapp.webhook";

/** "+15550100001", "15550100001" or "%2B15550100001" in the path → the stored identifier "+15550100001". */
function identifierOf(param: string): string {
  return `+${param.replace(/\D/g, "")}`;
}

export function whatsappRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/webhooks/whatsapp/:phone_number", (c) => {
      const where = findChannelInbox(deps.db, CHANNEL_TYPE, identifierOf(c.req.param("phone_number")));
      const token = c.req.query("hub.verify_token") ?? "";
      const expected = where ? credentials(deps, where.channel).verifyToken : "";
      if (!where || c.req.query("hub.mode") !== "subscribe" || !expected || !safeEqual(token, expected)) {
        return c.json({ error: "Error; wrong verify token" }, 403);
      }
      deps.tx((tx) => recordConnection(tx, where.channel.id, "connected"));
      return c.text(c.req.query("hub.challenge") ?? "");
    })
    .post("/webhooks/whatsapp/:phone_number", async (c) => {
      const where = findChannelInbox(deps.db, CHANNEL_TYPE, identifierOf(c.req.param("phone_number")));
      if (!where) return c.json({ error: "Unknown WhatsApp number" }, 404);
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const secret = webhookSecret(deps, where.channel);
      if (secret) {
        if (!validSignature(raw, c.req.header("x-hub-signature-256"), secret)) {
          deps.log.warn("whatsapp webhook refused: bad signature", { channel_id: where.channel.id });
          return c.json({ error: "Invalid signature" }, 401);
        }
      } else {
        // Chatwoot's behaviour without an app secret: the payload is accepted unverified (docs/channels.md).
        deps.log.warn("whatsapp webhook accepted without signature verification: no app secret configured", { channel_id: where.channel.id });
      }
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(raw));
      } catch {
        return c.json({ error: "Malformed JSON" }, 400);
      }
      // One customer's events are processed in order, different customers in parallel: a body batching several
      // customers becomes one job per customer (in one transaction), each under that customer's ordering key.
      const parts = splitByCustomer(body);
      deps.tx((tx) => {
        for (const part of parts) {
          enqueue(tx, {
            kind: WEBHOOK_JOB,
            payload: { identifier: where.channel.identifier, body: part.body, verified: !!secret },
            orderingKey: `${WEBHOOK_JOB}:${where.channel.id}:${part.customer}`,
            maxAttempts: 10,
          });
        }
      });
      return c.json({ status: "ok" });
    });
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/aac": "aac",
  "audio/mp4": "m4a",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "application/pdf": "pdf",
};

/** The provider message as the framework's inbound message; media is downloaded only when the message is new. */
function toInbound(deps: AppDeps, apiKey: string, m: InboundMessage): FrameworkInbound {
  const attrs: Record<string, unknown> = { ...m.content_attributes };
  return {
    contact: { source_id: m.wa_id, name: m.profile_name ?? `+${m.wa_id}`, phone_number: `+${m.wa_id}` },
    source_id: m.wamid,
    content: m.content,
    content_attributes: attrs,
    in_reply_to: m.in_reply_to_external_id,
    timestamp: m.timestamp != null ? m.timestamp * 1000 : null,
    attachments: async () => {
      const out: InboundAttachment[] = [];
      if (m.media) {
        try {
          const graph = graphFor(deps, apiKey);
          const media = await graph.getMedia(m.media.id);
          const bytes = await graph.downloadMedia(media.url, deps.config.maxUploadBytes, mediaAllowPrivate(deps, media.url));
          const contentType = media.mime_type || m.media.mime_type || "application/octet-stream";
          const type = contentType.split(";")[0].trim();
          const name = m.media.file_name ?? `${m.type}-${m.wamid.slice(-10).replace(/\W/g, "")}.${EXTENSIONS[type] ?? "bin"}`;
          out.push({ kind: "file", bytes, content_type: type, file_name: name });
        } catch (err) {
          // A media id Meta no longer serves (or one too large) is lost for good: keep the message and say so.
          if (err instanceof GraphError && err.permanent) {
            deps.log.warn("whatsapp media download failed", { wamid: m.wamid, error: err.display });
            attrs.media_error = err.display;
          } else {
            throw err;
          }
        }
      }
      for (const p of m.placeholders) {
        if (p.file_type === "location") out.push({ kind: "location", latitude: p.coordinates_lat, longitude: p.coordinates_long, title: p.fallback_title });
        else out.push({ kind: "contact", phone_number: p.fallback_title, first_name: (p.meta.firstName as string) ?? null, last_name: (p.meta.lastName as string) ?? null, meta: { name: p.meta.name } });
      }
      return out;
    },
  };
}

/** The whatsapp.webhook job: every event of one verified webhook body. Safe to run again (dedup by wamid, receipts only move forward). */
export function webhookJobHandler(deps: AppDeps): JobHandler {
  return async (payload: { identifier: string; body: unknown; verified?: boolean }) => {
    const where = findChannelInbox(deps.db, CHANNEL_TYPE, payload.identifier);
    if (!where) return;
    // A verified webhook shows the connection works (written only when the status changes).
    if (payload.verified && where.channel.connection_status !== "connected") deps.tx((tx) => recordConnection(tx, where.channel.id, "connected"));
    const { events, skipped } = parseWebhook(payload.body);
    if (skipped) deps.log.warn("whatsapp webhook: malformed entries skipped", { channel_id: where.channel.id, skipped });
    const creds = credentials(deps, where.channel);
    for (const e of events) {
      if (e.phone_number_id && creds.phoneNumberId && e.phone_number_id !== creds.phoneNumberId) {
        deps.log.warn("whatsapp webhook for another phone number id ignored", { channel_id: where.channel.id, phone_number_id: e.phone_number_id });
        continue;
      }
      if (e.kind === "status") {
        deps.tx((tx) => applyDeliveryReceipt(tx, { inbox_id: where.inbox.id, source_id: e.wamid, status: e.status, error: e.error }));
        continue;
      }
      // An emptied reaction is the customer taking theirs back: nothing to add.
      if (e.type === "reaction" && !e.content) continue;
      try {
        await receiveInbound(deps, where, toInbound(deps, creds.apiKey, e));
      } catch (err) {
        // A message Parley refuses for good (e.g. longer than it stores) must not hold back the rest or be retried.
        if (!(err instanceof DomainError)) throw err;
        deps.log.warn("whatsapp message refused", { channel_id: where.channel.id, wamid: e.wamid, error: err.message });
      }
    }
  };
}
