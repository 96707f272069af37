// Meta's WhatsApp Cloud API webhook payloads → what Parley stores. Pure functions: no I/O, no database.
// Shapes: entry[].changes[].value { metadata, contacts[], messages[], statuses[] } (field "messages").
import { createHmac } from "node:crypto";
import { safeEqual } from "../../lib/crypto.ts";

/** X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body with the Meta app secret, compared in constant time. */
export function validSignature(rawBody: Uint8Array | string, header: string | null | undefined, appSecret: string): boolean {
  if (!header || !header.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody).digest("hex");
  return safeEqual(header.slice(7).toLowerCase(), expected);
}

export type MediaRef = { id: string; mime_type: string | null; file_name: string | null; file_type: "image" | "audio" | "video" | "file" };

/** One attachment that is not a downloaded file: a shared location or a shared contact card. */
export type Placeholder =
  | { file_type: "location"; coordinates_lat: number; coordinates_long: number; fallback_title: string | null; external_url: string | null }
  | { file_type: "contact"; fallback_title: string; meta: Record<string, unknown> };

export type InboundMessage = {
  kind: "message";
  phone_number_id: string | null;
  /** The customer's WhatsApp id (digits), the contact_inbox source_id. */
  wa_id: string;
  profile_name: string | null;
  /** The provider message id (wamid…): the message's source_id, the dedup key. */
  wamid: string;
  timestamp: number | null;
  type: string;
  content: string | null;
  content_attributes: Record<string, unknown>;
  media: MediaRef | null;
  placeholders: Placeholder[];
  /** The wamid this message replies or reacts to (context.id, reaction.message_id). */
  in_reply_to_external_id: string | null;
};

export type InboundStatus = {
  kind: "status";
  phone_number_id: string | null;
  wamid: string;
  status: "sent" | "delivered" | "read" | "failed";
  recipient_id: string | null;
  /** "131047: Re-engagement message" … for failed statuses (errors[0]). */
  error: string | null;
};

export type InboundEvent = InboundMessage | InboundStatus;

const MEDIA_TYPES = { image: "image", sticker: "image", audio: "audio", voice: "audio", video: "video", document: "file" } as const;

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const obj = (v: unknown): Record<string, any> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, any>) : {});
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** The events of one webhook body, in order; malformed parts are skipped (the caller logs the count). */
export function parseWebhook(body: unknown): { events: InboundEvent[]; skipped: number } {
  const events: InboundEvent[] = [];
  let skipped = 0;
  for (const entry of arr(obj(body).entry)) {
    for (const change of arr(obj(entry).changes)) {
      const value = obj(obj(change).value);
      if (obj(change).field && obj(change).field !== "messages") continue;
      const phoneNumberId = str(obj(value.metadata).phone_number_id);
      const profiles = new Map<string, string | null>(arr(value.contacts).map((c) => [String(obj(c).wa_id ?? ""), str(obj(obj(c).profile).name)]));
      for (const m of arr(value.messages)) {
        const parsed = parseMessage(obj(m), phoneNumberId, profiles);
        if (parsed) events.push(parsed);
        else skipped++;
      }
      for (const s of arr(value.statuses)) {
        const parsed = parseStatus(obj(s), phoneNumberId);
        if (parsed) events.push(parsed);
        else skipped++;
      }
    }
  }
  return { events, skipped };
}

function parseStatus(s: Record<string, any>, phoneNumberId: string | null): InboundStatus | null {
  const wamid = str(s.id);
  const status = s.status;
  if (!wamid || !["sent", "delivered", "read", "failed"].includes(status)) return null;
  let error: string | null = null;
  if (status === "failed") {
    const e = obj(arr(s.errors)[0]);
    const title = str(e.title) ?? str(e.message) ?? "Message failed";
    const detail = str(obj(e.error_data).details) ?? str(e.message);
    error = `${e.code != null ? `${e.code}: ` : ""}${title}${detail && detail !== title ? ` (${detail})` : ""}`;
  }
  return { kind: "status", phone_number_id: phoneNumberId, wamid, status, recipient_id: str(s.recipient_id), error };
}

function parseMessage(m: Record<string, any>, phoneNumberId: string | null, profiles: Map<string, string | null>): InboundMessage | null {
  const wamid = str(m.id);
  const from = str(m.from);
  const type = str(m.type);
  if (!wamid || !from || !type || !/^\d{3,20}$/.test(from)) return null;
  const out: InboundMessage = {
    kind: "message",
    phone_number_id: phoneNumberId,
    wa_id: from,
    profile_name: profiles.get(from) ?? null,
    wamid,
    timestamp: Number(m.timestamp) || null,
    type,
    content: null,
    content_attributes: {},
    media: null,
    placeholders: [],
    in_reply_to_external_id: str(obj(m.context).id),
  };
  const body = obj(m[type]);
  switch (type) {
    case "text":
      out.content = str(body.body);
      if (out.content === null) return null;
      break;
    case "image":
    case "sticker":
    case "audio":
    case "voice":
    case "video":
    case "document": {
      const id = str(body.id);
      if (!id) return null;
      out.content = str(body.caption);
      out.media = { id, mime_type: str(body.mime_type), file_name: str(body.filename), file_type: MEDIA_TYPES[type] };
      break;
    }
    case "location": {
      const lat = Number(body.latitude);
      const long = Number(body.longitude);
      if (!Number.isFinite(lat) || !Number.isFinite(long)) return null;
      const title = [str(body.name), str(body.address)].filter(Boolean).join(", ") || null;
      out.placeholders.push({ file_type: "location", coordinates_lat: lat, coordinates_long: long, fallback_title: title, external_url: str(body.url) });
      break;
    }
    case "contacts": {
      // Chatwoot: one contact attachment per phone number of each shared card (a card without a number still shows).
      for (const c of arr(m.contacts)) {
        const name = obj(obj(c).name);
        const display = str(name.formatted_name) ?? ([str(name.first_name), str(name.last_name)].filter(Boolean).join(" ") || "Contact");
        const phones = arr(obj(c).phones).map((p) => str(obj(p).phone)).filter((p): p is string => !!p);
        const meta = { firstName: str(name.first_name), lastName: str(name.last_name), name: display };
        if (!phones.length) out.placeholders.push({ file_type: "contact", fallback_title: display, meta });
        for (const phone of phones) out.placeholders.push({ file_type: "contact", fallback_title: phone, meta });
      }
      if (!out.placeholders.length) return null;
      break;
    }
    case "interactive": {
      const reply = obj(body.button_reply).title !== undefined ? obj(body.button_reply) : obj(body.list_reply);
      out.content = str(reply.title);
      if (out.content === null) return null;
      out.content_attributes = { interactive_reply: { type: str(body.type), id: str(reply.id), title: out.content, ...(str(reply.description) ? { description: reply.description } : {}) } };
      break;
    }
    case "button":
      // A template's quick-reply button.
      out.content = str(body.text);
      if (out.content === null) return null;
      out.content_attributes = { button_payload: str(body.payload) };
      break;
    case "reaction":
      out.content = typeof body.emoji === "string" ? body.emoji : "";
      out.in_reply_to_external_id = str(body.message_id);
      out.content_attributes = { is_reaction: true };
      break;
    default:
      // unsupported, unknown, system, ephemeral …: kept as an "unsupported message" (Chatwoot's is_unsupported).
      out.content_attributes = { is_unsupported: true };
      break;
  }
  return out;
}

/**
 * A webhook body split into one body per customer (messages by `from`, statuses by `recipient_id`), in order, so
 * each customer's events are queued under their own ordering key: Meta batches several customers' messages in one
 * delivery under load, and a batch queued under its first sender's key alone could be overtaken by another
 * customer's next webhook. Anything without a customer goes under "none". A body of one customer comes back as is.
 */
export function splitByCustomer(body: unknown): { customer: string; body: unknown }[] {
  const entries = arr(obj(body).entry);
  const keyOf = (v: unknown) => String(v ?? "none").slice(0, 32) || "none";
  const customers = new Set<string>();
  for (const entry of entries) {
    for (const change of arr(obj(entry).changes)) {
      const value = obj(obj(change).value);
      for (const m of arr(value.messages)) customers.add(keyOf(obj(m).from));
      for (const s of arr(value.statuses)) customers.add(keyOf(obj(s).recipient_id));
    }
  }
  if (customers.size <= 1) return [{ customer: [...customers][0] ?? "none", body }];
  return [...customers].map((customer) => {
    const mine = (v: unknown) => keyOf(v) === customer;
    const entry = entries.flatMap((e) => {
      const changes = arr(obj(e).changes).flatMap((change) => {
        const value = obj(obj(change).value);
        const messages = arr(value.messages).filter((m) => mine(obj(m).from));
        const statuses = arr(value.statuses).filter((s) => mine(obj(s).recipient_id));
        if (!messages.length && !statuses.length) return [];
        const contacts = arr(value.contacts).filter((c) => mine(obj(c).wa_id));
        return [{ ...obj(change), value: { ...value, contacts, messages, statuses } }];
      });
      return changes.length ? [{ ...obj(e), changes }] : [];
    });
    return { customer, body: { ...obj(body), entry } };
  });
}
