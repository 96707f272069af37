// A real local HTTP server modelled on Meta's documented WhatsApp Cloud API (Graph API): the paths, query
// parameters, request validation and answers (including Graph's error envelope) that Parley's WhatsApp channel
// uses, plus signed webhook deliveries in Meta's payload shape. Every path accepts an optional version prefix
// (/v22.0/…) as graph.facebook.com does. docs/channels.md ("WhatsApp") lists what it implements.
import { createHmac, randomBytes } from "node:crypto";

export type FakePhoneNumber = {
  id: string;
  /** As Meta shows it: "+1 555-010-0001". */
  display_phone_number: string;
  verified_name: string;
  code_verification_status?: string;
  quality_rating?: string;
};

export type FakeTemplate = {
  id?: string;
  name: string;
  language: string;
  status?: "APPROVED" | "PENDING" | "REJECTED" | "PAUSED" | "DISABLED";
  category?: "UTILITY" | "MARKETING" | "AUTHENTICATION";
  components: Record<string, unknown>[];
};

export type FakeBusiness = {
  wabaId: string;
  name?: string;
  phone: FakePhoneNumber;
  /** The system-user token (manual setup) or the token an embedded-signup code exchanges for. */
  token: string;
  templates?: FakeTemplate[];
};

/** One POST /{phone_number_id}/messages the fake accepted. */
export type SentMessage = { wamid: string; phoneNumberId: string; body: Record<string, any>; at: number };
export type UploadedMedia = { id: string; phoneNumberId: string; bytes: Uint8Array; mimeType: string; fileName: string };
export type GraphErrorBody = { message: string; type: string; code: number; error_subcode?: number; error_data?: Record<string, unknown> };

export type FakeGraph = {
  /** http://127.0.0.1:<port> — Parley's PARLEY_WHATSAPP_API_URL. */
  url: string;
  appId: string;
  appSecret: string;
  /** Every request, in arrival order (method, path with query, headers, body text). */
  requests: { method: string; path: string; headers: Record<string, string>; body: string }[];
  sent: SentMessage[];
  uploads: UploadedMedia[];
  /** waba id → the subscribed_apps requests it received. */
  subscriptions: Map<string, Record<string, unknown>[]>;
  addBusiness(b: FakeBusiness): void;
  /** An authorization code from Meta's embedded-signup popup that exchanges for `token`. Single use. */
  issueCode(code: string, token: string): void;
  /** Media the "user" sent: returns the media id a webhook names; GET /{id} then the download URL serve it. */
  addMedia(bytes: Uint8Array, mimeType: string): string;
  /** Media downloads (the file behind a media URL) answer after this many ms from now on (a slow CDN). */
  delayMedia(ms: number): void;
  /** The next POST …/messages answers this Graph error (HTTP `status`, default 400). */
  failNextSend(error: GraphErrorBody, status?: number): void;
  /** POSTs `payload` to `url` signed as Meta does (X-Hub-Signature-256 over the raw body with the app secret). */
  deliverWebhook(url: string, payload: unknown, opts?: { secret?: string | null; signature?: string }): Promise<Response>;
  close(): Promise<void>;
};

const VERSION = /^\/v\d+\.\d+(?=\/)/;

function graphError(status: number, e: GraphErrorBody): Response {
  return Response.json({ error: { ...e, fbtrace_id: randomBytes(8).toString("base64url") } }, { status });
}
const invalidToken = () =>
  graphError(401, { message: "Invalid OAuth access token - Cannot parse access token", type: "OAuthException", code: 190 });
const unknownObject = (id: string, method = "get") =>
  graphError(400, {
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: "GraphMethodException",
    code: 100,
    error_subcode: 33,
  });
const invalidParameter = (message: string, details?: string) =>
  graphError(400, { message: `(#100) ${message}`, type: "OAuthException", code: 100, ...(details ? { error_data: { messaging_product: "whatsapp", details } } : {}) });

/** The body parameters a template component needs: {{1}}, {{2}} … ({{name}} for named parameters). */
function placeholders(text: unknown): number {
  return typeof text === "string" ? new Set(text.match(/\{\{\s*[\w]+\s*\}\}/g) ?? []).size : 0;
}

export function startFakeGraph(opts: { appId?: string; appSecret?: string } = {}): FakeGraph {
  const appId = opts.appId ?? "1234567890";
  const appSecret = opts.appSecret ?? randomBytes(16).toString("hex");
  const businesses: FakeBusiness[] = [];
  const codes = new Map<string, string>();
  const media = new Map<string, { bytes: Uint8Array; mimeType: string; fileName: string }>();
  const failures: { status: number; error: GraphErrorBody }[] = [];
  const requests: FakeGraph["requests"] = [];
  const sent: SentMessage[] = [];
  const uploads: UploadedMedia[] = [];
  const subscriptions = new Map<string, Record<string, unknown>[]>();
  let counter = 0;
  let mediaDelayMs = 0;
  const nextId = () => `${Date.now()}${String(++counter).padStart(4, "0")}`;

  const tokenOf = (req: Request, url: URL) => {
    const auth = req.headers.get("authorization") ?? "";
    return auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : (url.searchParams.get("access_token") ?? "");
  };
  const byToken = (token: string) => businesses.filter((b) => b.token === token);
  const templatesOf = (b: FakeBusiness) =>
    (b.templates ?? []).map((t, i) => ({ id: t.id ?? `${b.wabaId}${i + 1}`, status: "APPROVED", category: "UTILITY", ...t }));

  function validateMessage(b: FakeBusiness, body: Record<string, any>): Response | null {
    if (body.messaging_product !== "whatsapp") return invalidParameter("The parameter messaging_product is required.");
    if (typeof body.to !== "string" || !/^\+?\d{5,15}$/.test(body.to)) return invalidParameter("Invalid parameter", "to must be a phone number");
    const type = body.type ?? "text";
    switch (type) {
      case "text": {
        const text = body.text?.body;
        if (typeof text !== "string" || !text) return invalidParameter("The parameter text['body'] is required.");
        if (text.length > 4096) return invalidParameter("Invalid parameter", "text['body'] is longer than 4096 characters");
        return null;
      }
      case "image":
      case "audio":
      case "video":
      case "document":
      case "sticker": {
        const m = body[type];
        if (!m || (typeof m.id !== "string" && typeof m.link !== "string")) return invalidParameter(`The parameter ${type}['id'] or ${type}['link'] is required.`);
        if (m.id && !media.has(m.id)) return invalidParameter("Invalid parameter", `${type}['id'] is not a valid media id`);
        return null;
      }
      case "interactive": {
        const i = body.interactive;
        if (!i?.body?.text) return invalidParameter("The parameter interactive['body']['text'] is required.");
        if (i.type === "button") {
          const buttons = i.action?.buttons;
          if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return invalidParameter("Invalid parameter", "buttons must have 1 to 3 elements");
          for (const btn of buttons) {
            if (btn.type !== "reply" || !btn.reply?.id || !btn.reply?.title) return invalidParameter("Invalid parameter", "each button needs type reply, reply.id and reply.title");
            if (String(btn.reply.title).length > 20) return invalidParameter("Invalid parameter", "button title is longer than 20 characters");
          }
          return null;
        }
        if (i.type === "list") {
          if (!i.action?.button) return invalidParameter("The parameter interactive['action']['button'] is required.");
          const rows = (i.action.sections ?? []).flatMap((s: any) => s.rows ?? []);
          if (rows.length < 1 || rows.length > 10) return invalidParameter("Invalid parameter", "a list needs 1 to 10 rows in total");
          for (const r of rows) if (!r.id || !r.title || String(r.title).length > 24) return invalidParameter("Invalid parameter", "row title must be 1 to 24 characters");
          return null;
        }
        return invalidParameter("Invalid parameter", `interactive type ${i.type} is not supported`);
      }
      case "template": {
        const t = body.template;
        const template = templatesOf(b).find((x) => x.name === t?.name && x.language === t?.language?.code);
        if (!template) return graphError(404, { message: `(#132001) Template name does not exist in the translation`, type: "OAuthException", code: 132001, error_data: { messaging_product: "whatsapp", details: `template name (${t?.name}) does not exist in ${t?.language?.code}` } });
        if (template.status !== "APPROVED") return graphError(400, { message: "(#132015) Template is paused", type: "OAuthException", code: 132015 });
        for (const c of template.components) {
          const kind = String(c.type).toLowerCase();
          const format = String(c.format ?? "TEXT").toUpperCase();
          if (kind === "header" && format !== "TEXT") {
            const media = format.toLowerCase();
            const param = (t.components ?? []).find((x: any) => String(x.type).toLowerCase() === "header")?.parameters?.[0];
            if (!param || param.type !== media || !(param[media]?.link || param[media]?.id)) {
              return graphError(400, { message: "(#132012) Parameter format does not match format in the created template", type: "OAuthException", code: 132012, error_data: { messaging_product: "whatsapp", details: `header: Format mismatch, expected ${format}, received ${param?.type ?? "nothing"}` } });
            }
            continue;
          }
          if (kind !== "body" && kind !== "header") continue;
          const expected = placeholders(c.text);
          const given = (t.components ?? []).find((x: any) => String(x.type).toLowerCase() === kind)?.parameters?.length ?? 0;
          if (expected !== given) {
            return graphError(400, { message: "(#132000) Number of parameters does not match the expected number of params", type: "OAuthException", code: 132000, error_data: { messaging_product: "whatsapp", details: `${kind}: number of localizable_params (${given}) does not match the expected number of params (${expected})` } });
          }
        }
        return null;
      }
      case "reaction":
      case "location":
      case "contacts":
        return null;
      default:
        return invalidParameter("Invalid parameter", `Unsupported message type ${type}`);
    }
  }

  let port = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req: Request): Promise<Response> {
      const url = new URL(req.url);
      const path = url.pathname.replace(VERSION, "");
      const raw = req.method === "GET" ? "" : req.headers.get("content-type")?.startsWith("multipart/") ? "<multipart>" : await req.clone().text();
      requests.push({ method: req.method, path: url.pathname + url.search, headers: Object.fromEntries(req.headers), body: raw });
      const parts = path.split("/").filter(Boolean);
      const token = tokenOf(req, url);

      // Media download URL (lookaside.fbsbx.com in production): needs the same bearer token.
      if (parts[0] === "media-download" && req.method === "GET") {
        const m = media.get(parts[1] ?? "");
        if (!m) return new Response("not found", { status: 404 });
        if (!byToken(token).length) return invalidToken();
        if (mediaDelayMs) await Bun.sleep(mediaDelayMs);
        return new Response(new Uint8Array(m.bytes), { headers: { "content-type": m.mimeType } });
      }

      if (parts[0] === "oauth" && parts[1] === "access_token" && req.method === "GET") {
        const q = url.searchParams;
        if (q.get("client_id") !== appId || q.get("client_secret") !== appSecret) {
          return graphError(400, { message: "Error validating client secret.", type: "OAuthException", code: 1 });
        }
        const issued = codes.get(q.get("code") ?? "");
        if (!issued) return graphError(400, { message: "Invalid verification code format.", type: "OAuthException", code: 100 });
        codes.delete(q.get("code")!);
        return Response.json({ access_token: issued, token_type: "bearer" });
      }

      if (parts[0] === "debug_token" && req.method === "GET") {
        if (token !== `${appId}|${appSecret}`) return invalidToken();
        const input = url.searchParams.get("input_token") ?? "";
        const owned = byToken(input);
        if (!owned.length) return Response.json({ data: { is_valid: false, error: { code: 190, message: "Invalid OAuth access token." } } });
        const ids = owned.map((b) => b.wabaId);
        return Response.json({
          data: {
            app_id: appId,
            type: "SYSTEM_USER",
            application: "Parley test app",
            is_valid: true,
            expires_at: 0,
            scopes: ["whatsapp_business_management", "whatsapp_business_messaging"],
            granular_scopes: [
              { scope: "whatsapp_business_management", target_ids: ids },
              { scope: "whatsapp_business_messaging", target_ids: ids },
            ],
          },
        });
      }

      const id = parts[0] ?? "";
      const edge = parts[1];
      const ownedBusinesses = byToken(token);
      if (!token || !ownedBusinesses.length) return invalidToken();
      const byPhone = ownedBusinesses.find((b) => b.phone.id === id);
      const byWaba = ownedBusinesses.find((b) => b.wabaId === id);

      if (!edge && req.method === "GET") {
        if (byPhone) {
          return Response.json({ code_verification_status: "VERIFIED", quality_rating: "GREEN", ...byPhone.phone });
        }
        if (byWaba) return Response.json({ id: byWaba.wabaId, name: byWaba.name ?? "Test business" });
        const m = media.get(id);
        if (m) {
          return Response.json({
            messaging_product: "whatsapp",
            url: `http://127.0.0.1:${port}/media-download/${id}`,
            mime_type: m.mimeType,
            sha256: new Bun.CryptoHasher("sha256").update(m.bytes).digest("hex"),
            file_size: m.bytes.byteLength,
            id,
          });
        }
        return unknownObject(id);
      }

      if (edge === "messages" && req.method === "POST") {
        if (!byPhone) return unknownObject(id, "post");
        let body: Record<string, any>;
        try {
          body = JSON.parse(raw);
        } catch {
          return invalidParameter("The request body is not valid JSON.");
        }
        const failure = failures.shift();
        if (failure) return graphError(failure.status, failure.error);
        const invalid = validateMessage(byPhone, body);
        if (invalid) return invalid;
        const wamid = `wamid.${Buffer.from(`${id}.${nextId()}`).toString("base64url")}`;
        sent.push({ wamid, phoneNumberId: id, body, at: Date.now() });
        return Response.json({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: String(body.to).replace(/^\+/, "") }], messages: [{ id: wamid }] });
      }

      if (edge === "media" && req.method === "POST") {
        if (!byPhone) return unknownObject(id, "post");
        const form = await req.formData().catch(() => null);
        const file = form?.get("file");
        if (!form || form.get("messaging_product") !== "whatsapp") return invalidParameter("The parameter messaging_product is required.");
        if (!(file instanceof Blob)) return invalidParameter("The parameter file is required.");
        const mediaId = nextId();
        const bytes = new Uint8Array(await file.arrayBuffer());
        const mimeType = String(form.get("type") ?? file.type ?? "application/octet-stream");
        const fileName = file instanceof File ? file.name : "file";
        media.set(mediaId, { bytes, mimeType, fileName });
        uploads.push({ id: mediaId, phoneNumberId: id, bytes, mimeType, fileName });
        return Response.json({ id: mediaId });
      }

      if (edge === "message_templates" && req.method === "GET") {
        if (!byWaba) return unknownObject(id);
        const all = templatesOf(byWaba);
        const limit = Math.max(1, Math.min(Number(url.searchParams.get("limit") ?? 25) || 25, 100));
        const after = Number(url.searchParams.get("after") ? Buffer.from(url.searchParams.get("after")!, "base64url").toString() : 0) || 0;
        const page = all.slice(after, after + limit);
        const cursor = (n: number) => Buffer.from(String(n)).toString("base64url");
        const paging: Record<string, unknown> = { cursors: { before: cursor(after), after: cursor(after + page.length) } };
        if (after + page.length < all.length) {
          const next = new URL(url);
          next.searchParams.set("after", cursor(after + page.length));
          next.searchParams.set("limit", String(limit));
          paging.next = next.toString();
        }
        return Response.json({ data: page, paging });
      }

      if (edge === "phone_numbers" && req.method === "GET") {
        if (!byWaba) return unknownObject(id);
        return Response.json({
          data: [{ code_verification_status: "VERIFIED", quality_rating: "GREEN", platform_type: "CLOUD_API", throughput: { level: "STANDARD" }, ...byWaba.phone }],
          paging: { cursors: { before: "QVFI", after: "QVFI" } },
        });
      }

      if (edge === "subscribed_apps") {
        if (!byWaba) return unknownObject(id, req.method.toLowerCase());
        if (req.method === "POST") {
          let body: Record<string, unknown> = {};
          try {
            body = raw ? JSON.parse(raw) : {};
          } catch {
            return invalidParameter("The request body is not valid JSON.");
          }
          // With an override callback, Meta verifies it first: GET ?hub.mode=subscribe&hub.challenge&hub.verify_token.
          if (typeof body.override_callback_uri === "string") {
            const challenge = randomBytes(6).toString("hex");
            const verify = new URL(body.override_callback_uri);
            verify.searchParams.set("hub.mode", "subscribe");
            verify.searchParams.set("hub.challenge", challenge);
            verify.searchParams.set("hub.verify_token", String(body.verify_token ?? ""));
            const answer = await fetch(verify).then(async (r) => ({ status: r.status, text: await r.text() })).catch((e) => ({ status: 0, text: String(e) }));
            if (answer.status !== 200 || answer.text !== challenge) {
              return graphError(400, { message: `(#2200) Callback verification failed with the following errors: HTTP Status Code = ${answer.status}; HTTP Message = ${answer.text.slice(0, 100)}`, type: "OAuthException", code: 2200 });
            }
          }
          subscriptions.set(id, [...(subscriptions.get(id) ?? []), body]);
          return Response.json({ success: true });
        }
        if (req.method === "GET") {
          return Response.json({ data: (subscriptions.get(id) ?? []).map(() => ({ whatsapp_business_api_data: { id: appId, name: "Parley test app" } })) });
        }
      }

      return graphError(400, { message: `Unknown path components: /${parts.slice(1).join("/")}`, type: "OAuthException", code: 2500 });
    },
  });

  port = server.port!;
  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    appSecret,
    requests,
    sent,
    uploads,
    subscriptions,
    addBusiness: (b) => void businesses.push(b),
    issueCode: (code, token) => void codes.set(code, token),
    addMedia(bytes, mimeType) {
      const mediaId = nextId();
      media.set(mediaId, { bytes, mimeType, fileName: "file" });
      return mediaId;
    },
    delayMedia: (ms) => void (mediaDelayMs = ms),
    failNextSend: (error, status = 400) => void failures.push({ status, error }),
    async deliverWebhook(target, payload, o = {}) {
      const body = JSON.stringify(payload);
      const secret = o.secret === undefined ? appSecret : o.secret;
      const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "facebookexternalua" };
      if (o.signature !== undefined) headers["x-hub-signature-256"] = o.signature;
      else if (secret) headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
      return fetch(target, { method: "POST", headers, body });
    },
    async close() {
      await server.stop(true);
    },
  };
}

// ---- Webhook payloads in Meta's shape (entry[].changes[].value with field "messages") ----

export type WebhookTarget = { wabaId: string; phoneNumberId: string; displayPhoneNumber: string };

function envelope(t: WebhookTarget, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: t.wabaId,
        changes: [{ value: { messaging_product: "whatsapp", metadata: { display_phone_number: t.displayPhoneNumber.replace(/\D/g, ""), phone_number_id: t.phoneNumberId }, ...value }, field: "messages" }],
      },
    ],
  };
}

let wamidCounter = 0;
/** A fresh inbound wamid. */
export function inboundWamid(): string {
  return `wamid.HBgL${Buffer.from(`in-${Date.now()}-${++wamidCounter}-${randomBytes(4).toString("hex")}`).toString("base64url")}`;
}

/** A `messages` webhook: one message from `from` (wa_id), with the sender's profile name. */
export function messageWebhook(t: WebhookTarget, from: { wa_id: string; name?: string }, message: Record<string, unknown> & { type: string }, opts: { id?: string; timestamp?: number } = {}) {
  return envelope(t, {
    contacts: [{ profile: { name: from.name ?? "" }, wa_id: from.wa_id }],
    messages: [{ from: from.wa_id, id: opts.id ?? inboundWamid(), timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)), ...message }],
  });
}

/** A `statuses` webhook for a message Parley sent. `failed` carries errors[] as Meta sends them. */
export function statusWebhook(
  t: WebhookTarget,
  s: { wamid: string; status: "sent" | "delivered" | "read" | "failed"; recipient: string; errors?: { code: number; title: string; message?: string; details?: string }[] },
) {
  return envelope(t, {
    statuses: [
      {
        id: s.wamid,
        status: s.status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: s.recipient,
        ...(s.status === "failed"
          ? { errors: (s.errors ?? []).map((e) => ({ code: e.code, title: e.title, message: e.message ?? e.title, error_data: { details: e.details ?? e.title }, href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/" })) }
          : { conversation: { id: "CONVERSATION_ID", origin: { type: "service" } }, pricing: { billable: true, pricing_model: "CBP", category: "service" } }),
      },
    ],
  });
}

/** One message of a batched webhook: its sender, the message fields (type and its object), optional wamid and time. */
export type BatchedMessage = { from: { wa_id: string; name?: string }; message: Record<string, unknown> & { type: string }; id?: string; timestamp?: number };

/**
 * A `messages` webhook carrying several messages, as Meta batches them under load: one entry whose changes each hold
 * a run of consecutive messages from one sender (`contacts` = that sender's profile, `messages` in order).
 */
export function batchedWebhook(t: WebhookTarget, batch: BatchedMessage[]) {
  const changes: { value: Record<string, unknown>; field: "messages" }[] = [];
  let run: { from: BatchedMessage["from"]; messages: Record<string, unknown>[] } | null = null;
  const metadata = { display_phone_number: t.displayPhoneNumber.replace(/\D/g, ""), phone_number_id: t.phoneNumberId };
  for (const m of batch) {
    if (!run || run.from.wa_id !== m.from.wa_id) {
      run = { from: m.from, messages: [] };
      changes.push({ value: { messaging_product: "whatsapp", metadata, contacts: [{ profile: { name: m.from.name ?? "" }, wa_id: m.from.wa_id }], messages: run.messages }, field: "messages" });
    }
    run.messages.push({ from: m.from.wa_id, id: m.id ?? inboundWamid(), timestamp: String(m.timestamp ?? Math.floor(Date.now() / 1000)), ...m.message });
  }
  return { object: "whatsapp_business_account", entry: [{ id: t.wabaId, changes }] };
}

/** The raw body and headers of a webhook delivery signed as Meta signs it (for load generators that POST it themselves, possibly twice). */
export function signedWebhook(payload: unknown, appSecret: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "facebookexternalua",
      "x-hub-signature-256": `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`,
    },
  };
}
