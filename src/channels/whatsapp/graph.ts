// The WhatsApp Cloud API (Meta Graph API) client: every call Parley makes to Meta, through the one outbound HTTP
// helper (deadline, SSRF guard). The base URL is PARLEY_WHATSAPP_API_URL (graph.facebook.com by default), so tests
// point it at the local fake (src/testing/fakes/whatsapp-graph.ts).
import { checkDestination, OutboundError, outboundFetch } from "../../lib/http.ts";

/** The Graph API version Parley speaks (Chatwoot's WHATSAPP_API_VERSION default). */
export const GRAPH_VERSION = "v22.0";

export type GraphOptions = {
  baseUrl: string;
  /** Bearer token: the channel's API key (system-user token) or the embedded-signup token. */
  token?: string;
  allowPrivate: boolean;
  timeoutMs?: number;
};

/** A Graph API error answer ({error:{message,type,code,error_subcode,error_data}}) or a transport failure. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly type: string | null = null,
    readonly details: string | null = null,
    /** True when retrying cannot help (4xx other than 429, invalid URL, blocked destination). */
    readonly permanent = true,
  ) {
    super(message);
    this.name = "GraphError";
  }

  /** The text shown to agents on a failed message: "(#131047) Re-engagement message: details". */
  get display(): string {
    const base = this.code != null && !this.message.startsWith("(#") ? `(#${this.code}) ${this.message}` : this.message;
    return this.details && !base.includes(this.details) ? `${base}: ${this.details}` : base;
  }
}

export type GraphPhoneNumber = { id: string; display_phone_number: string; verified_name?: string; code_verification_status?: string; quality_rating?: string };
export type GraphTemplate = { id?: string; name: string; language: string; status: string; category?: string; components: Record<string, unknown>[] } & Record<string, unknown>;
export type GraphMedia = { url: string; mime_type: string; file_size?: number; sha256?: string; id: string };

export function graphClient(opts: GraphOptions) {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const origin = new URL(base).origin;
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call<T>(method: string, path: string, init: { query?: Record<string, string>; json?: unknown; body?: Uint8Array<ArrayBuffer>; contentType?: string; token?: string | null } = {}): Promise<T> {
    const url = path.startsWith("http") ? new URL(path) : new URL(`${base}/${GRAPH_VERSION}/${path.replace(/^\/+/, "")}`);
    // Paging links come back absolute: follow them only on the configured host.
    if (url.origin !== origin) throw new GraphError(`refusing to follow a Graph link to another host (${url.host})`, 0, null);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: "application/json" };
    const token = init.token === undefined ? opts.token : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.body) {
      body = init.body;
      if (init.contentType) headers["content-type"] = init.contentType;
    }
    let res;
    try {
      res = await outboundFetch(url.href, { method, headers, body, allowPrivate: opts.allowPrivate, timeoutMs, maxResponseBytes: 4 * 1024 * 1024 });
    } catch (err) {
      if (err instanceof OutboundError) {
        const permanent = err.kind === "invalid_url" || err.kind === "blocked";
        throw new GraphError(`WhatsApp API unreachable: ${err.message}`, 0, null, null, null, permanent);
      }
      throw err;
    }
    let parsed: any = null;
    try {
      parsed = res.body ? JSON.parse(res.body) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok || parsed?.error) {
      const e = parsed?.error ?? {};
      const message = typeof e.message === "string" ? e.message : `WhatsApp API answered HTTP ${res.status}`;
      const details = typeof e.error_data?.details === "string" ? e.error_data.details : null;
      const permanent = res.status !== 429 && res.status < 500 && e.is_transient !== true;
      throw new GraphError(message, res.status, typeof e.code === "number" ? e.code : null, e.type ?? null, details, permanent);
    }
    if (parsed === null) throw new GraphError(`WhatsApp API answered HTTP ${res.status} without JSON`, res.status, null, null, null, false);
    return parsed as T;
  }

  return {
    /** GET /{phone_number_id}: the number's display form and verified name (validates id and token together). */
    getPhoneNumber: (phoneNumberId: string) => call<GraphPhoneNumber>("GET", encodeURIComponent(phoneNumberId)),

    /** GET /{waba_id}/phone_numbers. */
    listPhoneNumbers: async (wabaId: string) => (await call<{ data: GraphPhoneNumber[] }>("GET", `${encodeURIComponent(wabaId)}/phone_numbers`)).data ?? [],

    /** POST /{phone_number_id}/messages; answers the new message's wamid. */
    async sendMessage(phoneNumberId: string, body: Record<string, unknown>): Promise<string> {
      const res = await call<{ messages?: { id: string }[] }>("POST", `${encodeURIComponent(phoneNumberId)}/messages`, { json: { messaging_product: "whatsapp", recipient_type: "individual", ...body } });
      const id = res.messages?.[0]?.id;
      if (!id) throw new GraphError("WhatsApp API accepted the message without a message id", 200, null, null, null, false);
      return id;
    },

    /** POST /{phone_number_id}/media (multipart: messaging_product, type, file); answers the media id. */
    async uploadMedia(phoneNumberId: string, file: { bytes: Uint8Array; contentType: string; fileName: string }): Promise<string> {
      const form = new FormData();
      form.set("messaging_product", "whatsapp");
      form.set("type", file.contentType);
      form.set("file", new File([new Uint8Array(file.bytes)], file.fileName, { type: file.contentType }));
      const encoded = new Response(form);
      const contentType = encoded.headers.get("content-type") ?? "multipart/form-data";
      const body = new Uint8Array(await encoded.arrayBuffer());
      const res = await call<{ id: string }>("POST", `${encodeURIComponent(phoneNumberId)}/media`, { body, contentType });
      return res.id;
    },

    /** GET /{media_id}: the short-lived download URL of a media object. */
    getMedia: (mediaId: string) => call<GraphMedia>("GET", encodeURIComponent(mediaId)),

    /** Downloads a media URL (same bearer token), checked by the SSRF guard, at most maxBytes. */
    async downloadMedia(url: string, maxBytes: number, allowPrivate = opts.allowPrivate): Promise<Uint8Array> {
      const signal = AbortSignal.timeout(timeoutMs * 2);
      let target: URL;
      try {
        target = (await checkDestination(url, { allowPrivate, signal })).url;
      } catch (err) {
        throw new GraphError(`media URL refused: ${(err as Error).message}`, 0, null);
      }
      let res: Response;
      try {
        res = await fetch(target, { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {}, redirect: "error", signal });
      } catch (err) {
        throw new GraphError(`media download failed: ${(err as Error).message}`, 0, null, null, null, false);
      }
      if (!res.ok) throw new GraphError(`media download answered HTTP ${res.status}`, res.status, null, null, null, res.status >= 500);
      const declared = Number(res.headers.get("content-length") ?? 0);
      if (declared > maxBytes) throw new GraphError(`media is larger than ${maxBytes} bytes`, res.status, null);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.byteLength > maxBytes) throw new GraphError(`media is larger than ${maxBytes} bytes`, res.status, null);
      return bytes;
    },

    /** GET /{waba_id}/message_templates, every page (following paging.next, at most 50 pages). */
    async listTemplates(wabaId: string): Promise<GraphTemplate[]> {
      const all: GraphTemplate[] = [];
      let next: string | null = `${encodeURIComponent(wabaId)}/message_templates`;
      let query: Record<string, string> | undefined = { limit: "100" };
      for (let page = 0; next && page < 50; page++) {
        const res: { data?: GraphTemplate[]; paging?: { next?: string } } = await call("GET", next, { query });
        all.push(...(res.data ?? []));
        next = res.paging?.next ?? null;
        query = undefined;
      }
      return all;
    },

    /** POST /{waba_id}/subscribed_apps: Meta sends this WABA's webhooks to the app (to our callback URL). */
    subscribeApp: (wabaId: string, callback?: { override_callback_uri: string; verify_token: string }) =>
      call<{ success: boolean }>("POST", `${encodeURIComponent(wabaId)}/subscribed_apps`, { json: callback ?? {} }),

    /** GET /oauth/access_token: the embedded-signup code → a business integration token. */
    exchangeCode: (app: { appId: string; appSecret: string }, code: string, redirectUri?: string) =>
      call<{ access_token: string }>("GET", "oauth/access_token", {
        query: { client_id: app.appId, client_secret: app.appSecret, code, ...(redirectUri ? { redirect_uri: redirectUri } : {}) },
        token: null,
      }),

    /** GET /debug_token with the app token: the token's granular scopes name the WABAs it was granted. */
    debugToken: (app: { appId: string; appSecret: string }, inputToken: string) =>
      call<{ data: { is_valid: boolean; app_id?: string; granular_scopes?: { scope: string; target_ids?: string[] }[] } }>("GET", "debug_token", {
        query: { input_token: inputToken },
        token: `${app.appId}|${app.appSecret}`,
      }),
  };
}

export type GraphClient = ReturnType<typeof graphClient>;
