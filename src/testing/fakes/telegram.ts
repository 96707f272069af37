/**
 * A fake Telegram Bot API (https://core.telegram.org/bots/api) as a real HTTP server, for tests: Parley talks to it
 * through PARLEY_TELEGRAM_API_URL exactly as it talks to api.telegram.org. What it implements is listed in
 * docs/channels.md ("Telegram: what the fake Bot API implements"). Every call is recorded; failures can be
 * scripted; updates are delivered to the webhook Parley registered, with the secret token header.
 */

export type FakeBot = { id: number; username: string; first_name: string };
export type RecordedCall = {
  token: string;
  method: string;
  params: Record<string, unknown>;
  /** Uploaded files of a multipart call, by field name. */
  files: Record<string, { name: string; type: string; bytes: Uint8Array }>;
};
export type ScriptedFailure = { error_code: number; description: string; retry_after?: number; times?: number };
export type TelegramFrom = { id: number; first_name?: string; last_name?: string; username?: string; language_code?: string };

type Webhook = { url: string; secret_token: string | null; allowed_updates: string[] | null; last_error_date?: number; last_error_message?: string };

export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  /** Where updates really go (the origin of the server under test), keeping the registered path. */
  deliverTo: string | null = null;
  private readonly bots = new Map<string, FakeBot>();
  private readonly webhooks = new Map<string, Webhook>();
  private readonly files = new Map<string, { path: string; bytes: Uint8Array; mime: string; name: string }>();
  private readonly failures = new Map<string, ScriptedFailure>();
  private readonly blocked = new Set<number>();
  private readonly profilePhotos = new Map<number, string>();
  private nextMessageId = 1000;
  private nextUpdateId = 1;
  private server: ReturnType<typeof Bun.serve> | null = null;

  get url(): string {
    return `http://127.0.0.1:${this.server!.port}`;
  }

  start(): this {
    this.server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => this.handle(req) });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
  }

  /** A bot the fake knows; its token is "<id>:<secret part>". */
  addBot(username = "parley_test_bot", id = 7000000 + this.bots.size): { token: string; bot: FakeBot } {
    const token = `${id}:AAH${crypto.randomUUID().replace(/-/g, "")}`;
    const bot = { id, username, first_name: username.replace(/_bot$/i, "") };
    this.bots.set(token, bot);
    return { token, bot };
  }

  webhookOf(token: string): Webhook | undefined {
    return this.webhooks.get(token);
  }

  /** Telegram failed to deliver to the bot's webhook (getWebhookInfo's last_error_date / last_error_message). */
  webhookFailed(token: string, message: string, at = Date.now()): void {
    const hook = this.webhooks.get(token);
    if (hook) Object.assign(hook, { last_error_date: Math.floor(at / 1000), last_error_message: message });
  }

  /** Another server called setWebhook for the bot. */
  setWebhookUrl(token: string, url: string): void {
    const hook = this.webhooks.get(token);
    if (hook) hook.url = url;
  }

  /** A user's profile photo (getUserProfilePhotos answers it, the file downloads like any other). */
  setProfilePhoto(userId: number, bytes: Uint8Array, mime = "image/jpeg"): void {
    this.profilePhotos.set(userId, this.addFile(bytes, mime, "photo.jpg"));
  }

  /** The bot was revoked in @BotFather: every call with its token answers 401. */
  revoke(token: string): void {
    this.bots.delete(token);
  }

  /** The next `times` (default 1) calls of `method` answer with this Bot API error. */
  failNext(method: string, failure: ScriptedFailure): void {
    this.failures.set(method, { times: 1, ...failure });
  }

  /** Forgets every scripted failure. */
  clearFailures(): void {
    this.failures.clear();
  }

  /** The user blocked the bot: sends to their chat answer 403 as Telegram does. */
  block(chatId: number): void {
    this.blocked.add(chatId);
  }

  /** A file a user "uploaded": returns its file_id for photo/document/voice fields of updates. */
  addFile(bytes: Uint8Array, mime: string, name: string): string {
    const fileId = `F${crypto.randomUUID().replace(/-/g, "")}`;
    const folder = mime.startsWith("image/") ? "photos" : mime.startsWith("audio/") ? "voice" : "documents";
    this.files.set(fileId, { path: `${folder}/file_${this.files.size}${name.includes(".") ? name.slice(name.lastIndexOf(".")) : ""}`, bytes, mime, name });
    return fileId;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A private-chat message from a user, as an Update's `message` (merge extra fields: photo, document, location…). */
  message(from: TelegramFrom, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      message_id: this.nextMessageId++,
      from: { is_bot: false, first_name: "Ada", ...from },
      chat: { id: from.id, type: "private", first_name: from.first_name ?? "Ada" },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
  }

  /** Wraps a payload (`{ message }`, `{ edited_message }`, `{ callback_query }`) in an Update with a fresh update_id. */
  update(payload: Record<string, unknown>): Record<string, unknown> {
    return { update_id: this.nextUpdateId++, ...payload };
  }

  /**
   * Delivers an Update to the bot's webhook as Telegram does: POST JSON with X-Telegram-Bot-Api-Secret-Token (the
   * secret_token given to setWebhook). `secret` overrides the header (null leaves it out). Answers the status.
   */
  async deliver(token: string, update: Record<string, unknown>, opts: { secret?: string | null } = {}): Promise<Response> {
    const hook = this.webhooks.get(token);
    if (!hook) throw new Error("no webhook set for this bot");
    // Test servers listen on a port chosen after their public URL was fixed: deliverTo names the real origin.
    const target = this.deliverTo ? new URL(new URL(hook.url).pathname, this.deliverTo).href : hook.url;
    const headers: Record<string, string> = { "content-type": "application/json" };
    const secret = opts.secret === undefined ? hook.secret_token : opts.secret;
    if (secret != null) headers["x-telegram-bot-api-secret-token"] = secret;
    return fetch(target, { method: "POST", headers, body: JSON.stringify(update) });
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.download(file[1], decodeURIComponent(file[2]));
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return Response.json({ ok: false, error_code: 404, description: "Not Found" }, { status: 404 });
    const [, token, method] = m;
    const { params, files } = await readParams(req, url);
    this.calls.push({ token, method, params, files });
    const bot = this.bots.get(token);
    if (!bot) return fail(401, "Unauthorized");
    const scripted = this.failures.get(method);
    if (scripted) {
      if (!scripted.times || scripted.times <= 1) this.failures.delete(method);
      else scripted.times--;
      return fail(scripted.error_code, scripted.description, scripted.retry_after);
    }
    return this.method(token, bot, method, params, files);
  }

  private method(token: string, bot: FakeBot, method: string, params: Record<string, unknown>, files: RecordedCall["files"]): Response {
    const chatId = Number(params.chat_id);
    const sent = (extra: Record<string, unknown>) =>
      ok({ message_id: this.nextMessageId++, from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username }, chat: { id: chatId, type: "private" }, date: Math.floor(Date.now() / 1000), ...extra });
    const checkChat = () => {
      if (!Number.isFinite(chatId) || params.chat_id === undefined || params.chat_id === "") return fail(400, "Bad Request: chat_id is empty");
      if (this.blocked.has(chatId)) return fail(403, "Forbidden: bot was blocked by the user");
      return null;
    };
    switch (method) {
      case "getMe":
        return ok({ id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case "setWebhook": {
        const target = String(params.url ?? "");
        if (!/^https?:\/\//.test(target)) return fail(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
        const secret = params.secret_token == null ? null : String(params.secret_token);
        if (secret !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) return fail(400, "Bad Request: secret token contains unallowed characters");
        const allowed = typeof params.allowed_updates === "string" ? JSON.parse(params.allowed_updates) : (params.allowed_updates as string[] | undefined);
        this.webhooks.set(token, { url: target, secret_token: secret, allowed_updates: allowed ?? null });
        return Response.json({ ok: true, result: true, description: "Webhook was set" });
      }
      case "deleteWebhook":
        this.webhooks.delete(token);
        return Response.json({ ok: true, result: true, description: "Webhook was deleted" });
      case "getWebhookInfo": {
        const hook = this.webhooks.get(token);
        return ok({
          url: hook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: 0,
          ...(hook?.allowed_updates ? { allowed_updates: hook.allowed_updates } : {}),
          ...(hook?.last_error_date ? { last_error_date: hook.last_error_date, last_error_message: hook.last_error_message } : {}),
        });
      }
      case "sendMessage": {
        const bad = checkChat();
        if (bad) return bad;
        const text = String(params.text ?? "");
        if (!text.trim()) return fail(400, "Bad Request: message text is empty");
        const markup = params.parse_mode === "HTML" ? htmlProblem(text) : null;
        if (markup) return fail(400, `Bad Request: can't parse entities: ${markup}`);
        if (text.length > 4096) return fail(400, "Bad Request: message is too long");
        return sent({ text });
      }
      case "sendPhoto":
      case "sendDocument":
      case "sendAudio":
      case "sendVideo":
      case "sendVoice": {
        const bad = checkChat();
        if (bad) return bad;
        const field = method.slice(4).toLowerCase();
        const upload = files[field];
        if (!upload && typeof params[field] !== "string") return fail(400, `Bad Request: there is no ${field} in the request`);
        const caption = params.caption == null ? {} : { caption: String(params.caption) };
        const captionMarkup = params.parse_mode === "HTML" && params.caption != null ? htmlProblem(String(params.caption)) : null;
        if (captionMarkup) return fail(400, `Bad Request: can't parse entities: ${captionMarkup}`);
        if (String(params.caption ?? "").length > 1024) return fail(400, "Bad Request: message caption is too long");
        const fileId = upload ? this.addFile(upload.bytes, upload.type, upload.name) : String(params[field]);
        const media = field === "photo" ? { photo: [{ file_id: fileId, width: 1, height: 1 }] } : { [field]: { file_id: fileId, file_name: upload?.name } };
        return sent({ ...media, ...caption });
      }
      case "sendMediaGroup": {
        const bad = checkChat();
        if (bad) return bad;
        let media: { type: string; media: string; caption?: string; parse_mode?: string }[];
        try {
          media = typeof params.media === "string" ? JSON.parse(params.media) : (params.media as typeof media);
        } catch {
          return fail(400, "Bad Request: can't parse media JSON object");
        }
        if (!Array.isArray(media) || media.length < 2 || media.length > 10) return fail(400, "Bad Request: wrong number of media in the group; must be 2-10");
        const groupId = String(this.nextMessageId);
        const out: Record<string, unknown>[] = [];
        for (const item of media) {
          const name = item.media.startsWith("attach://") ? item.media.slice("attach://".length) : null;
          const upload = name ? files[name] : undefined;
          if (name && !upload) return fail(400, `Bad Request: file "${name}" must be uploaded as an InputFile`);
          if (!["photo", "video", "document", "audio"].includes(item.type)) return fail(400, "Bad Request: unsupported media type");
          const problem = item.parse_mode === "HTML" && item.caption ? htmlProblem(item.caption) : null;
          if (problem) return fail(400, `Bad Request: can't parse entities: ${problem}`);
          const fileId = upload ? this.addFile(upload.bytes, upload.type, upload.name) : item.media;
          out.push({
            message_id: this.nextMessageId++,
            from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
            chat: { id: chatId, type: "private" },
            date: Math.floor(Date.now() / 1000),
            media_group_id: groupId,
            ...(item.type === "photo" ? { photo: [{ file_id: fileId, width: 1, height: 1 }] } : { [item.type]: { file_id: fileId } }),
            ...(item.caption ? { caption: item.caption } : {}),
          });
        }
        return ok(out);
      }
      case "sendLocation": {
        const bad = checkChat();
        if (bad) return bad;
        return sent({ location: { latitude: Number(params.latitude), longitude: Number(params.longitude) } });
      }
      case "answerCallbackQuery":
        return ok(true);
      case "getUserProfilePhotos": {
        const fileId = this.profilePhotos.get(Number(params.user_id));
        if (!fileId) return ok({ total_count: 0, photos: [] });
        const size = this.files.get(fileId)!.bytes.byteLength;
        return ok({ total_count: 1, photos: [[{ file_id: fileId, file_unique_id: `U${fileId}`, width: 160, height: 160, file_size: size }]] });
      }
      case "getFile": {
        const f = this.files.get(String(params.file_id ?? ""));
        if (!f) return fail(400, "Bad Request: invalid file_id");
        return ok({ file_id: params.file_id, file_unique_id: `U${params.file_id}`, file_size: f.bytes.byteLength, file_path: f.path });
      }
      default:
        return fail(404, "Not Found: method not found");
    }
  }

  private download(token: string, path: string): Response {
    if (!this.bots.has(token)) return new Response("Unauthorized", { status: 401 });
    for (const f of this.files.values()) {
      if (f.path === path) return new Response(f.bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/octet-stream" } });
    }
    return new Response("Not Found", { status: 404 });
  }
}

/** Telegram's HTML parse mode: only its tags, properly nested, and only the four named entities (or numeric ones). */
const TELEGRAM_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span", "tg-spoiler", "blockquote", "tg-emoji"]);
export function htmlProblem(text: string): string | null {
  const open: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "<") {
      const m = /^<(\/?)([A-Za-z-]+)(\s[^<>]*)?>/.exec(text.slice(i));
      if (!m) return `Unexpected character "<" at byte offset ${i}`;
      const name = m[2].toLowerCase();
      if (!TELEGRAM_TAGS.has(name)) return `Unsupported start tag "${name}" at byte offset ${i}`;
      if (m[1]) {
        if (open.pop() !== name) return `Unexpected end tag at byte offset ${i}`;
      } else open.push(name);
      i += m[0].length - 1;
    } else if (ch === "&") {
      const m = /^&(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);/.exec(text.slice(i));
      if (!m) return `Character entity expected at byte offset ${i}`;
      i += m[0].length - 1;
    }
  }
  return open.length ? `Can't find end tag corresponding to start tag "${open.at(-1)}"` : null;
}

function ok(result: unknown): Response {
  return Response.json({ ok: true, result });
}

function fail(code: number, description: string, retryAfter?: number): Response {
  return Response.json(
    { ok: false, error_code: code, description, ...(retryAfter != null ? { parameters: { retry_after: retryAfter } } : {}) },
    { status: code },
  );
}

/** The Bot API takes parameters as a query string, urlencoded or JSON body, or multipart/form-data (uploads). */
async function readParams(req: Request, url: URL): Promise<{ params: Record<string, unknown>; files: RecordedCall["files"] }> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files: RecordedCall["files"] = {};
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    Object.assign(params, (await req.json()) as Record<string, unknown>);
  } else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    const form = await req.formData();
    for (const [k, v] of form.entries()) {
      if (typeof v === "string") params[k] = v;
      else {
        const f = v as unknown as File;
        files[k] = { name: f.name, type: f.type, bytes: new Uint8Array(await f.arrayBuffer()) };
      }
    }
  }
  for (const key of ["reply_markup", "reply_parameters"]) {
    if (typeof params[key] === "string") {
      try {
        params[key] = JSON.parse(params[key] as string);
      } catch {
        // left as sent
      }
    }
  }
  return { params, files };
}
