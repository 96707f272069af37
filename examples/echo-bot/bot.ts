// Echo bot: a complete Parley (or Chatwoot) agent bot in one file, with nothing but Bun.
//
//   1. Parley POSTs the events of the inboxes the bot is connected to to this server (the bot's webhook URL).
//   2. Every request is signed: X-Chatwoot-Signature = "sha256=" + HMAC-SHA256(secret, "{timestamp}.{raw body}").
//      Requests with a wrong signature or an old timestamp are refused.
//   3. For a customer's message in a conversation the bot is handling (status "pending"), it answers
//      "You said: …" through the API with its own access token — or, when the customer asks for a "human" or an
//      "agent", it hands the conversation to the team (toggle_status open) and stays quiet from then on.
import { createHmac, timingSafeEqual } from "node:crypto";

export type EchoBotOptions = {
  /** Parley's base URL, e.g. http://localhost:3000 */
  parleyUrl: string;
  /** The bot's access token (Settings → Bots, or access_token.token in the API). */
  botToken: string;
  /** The bot's signing secret (shown with the bot to administrators). */
  secret: string;
  /** Port to listen on (0 picks a free one). */
  port?: number;
  hostname?: string;
  /** Refuse events signed longer ago than this (replay protection). */
  maxAgeSeconds?: number;
};

type BotEvent = {
  event: string;
  content?: string | null;
  message_type?: string;
  private?: boolean;
  account?: { id: number };
  conversation?: { id: number; status: string };
};

const HANDOFF = /\b(human|agent)\b/i;

/** The article's formula, compared in constant time. */
export function verifySignature(rawBody: string, timestamp: string, received: string, secret: string): boolean {
  const expected = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function startEchoBot(options: EchoBotOptions) {
  const maxAge = options.maxAgeSeconds ?? 300;
  const api = async (accountId: number, path: string, body: unknown) => {
    const res = await fetch(`${options.parleyUrl}/api/v1/accounts/${accountId}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", api_access_token: options.botToken },
      body: JSON.stringify(body),
    });
    if (!res.ok) console.error(`echo-bot: POST ${path} answered ${res.status}: ${await res.text()}`);
  };

  async function handle(e: BotEvent) {
    // Only customers' messages in conversations the bot is handling; its own replies come back as events too.
    if (e.event !== "message_created" || e.message_type !== "incoming" || e.private) return;
    if (!e.account || !e.conversation || e.conversation.status !== "pending") return;
    const text = (e.content ?? "").trim();
    if (!text) return;
    const conversationPath = `/conversations/${e.conversation.id}`;
    if (HANDOFF.test(text)) {
      await api(e.account.id, `${conversationPath}/messages`, { content: "Connecting you with a human agent…" });
      await api(e.account.id, `${conversationPath}/toggle_status`, { status: "open" });
      return;
    }
    await api(e.account.id, `${conversationPath}/messages`, { content: `You said: ${text}` });
  }

  return Bun.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    async fetch(req) {
      if (req.method !== "POST") return new Response("echo-bot is running\n");
      const raw = await req.text();
      const timestamp = req.headers.get("x-chatwoot-timestamp") ?? "";
      const signature = req.headers.get("x-chatwoot-signature") ?? "";
      const age = Math.abs(Date.now() / 1000 - Number(timestamp));
      if (!/^\d+$/.test(timestamp) || age > maxAge || !verifySignature(raw, timestamp, signature, options.secret)) {
        return new Response("bad signature\n", { status: 401 });
      }
      let event: BotEvent;
      try {
        event = JSON.parse(raw);
      } catch {
        return new Response("bad json\n", { status: 400 });
      }
      // Answer at once; the reply goes out through the API after the delivery is acknowledged.
      handle(event).catch((err) => console.error("echo-bot:", err));
      return Response.json({ ok: true });
    },
  });
}

if (import.meta.main) {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`set ${name}`);
    return value;
  };
  const server = startEchoBot({
    parleyUrl: process.env.PARLEY_URL ?? "http://localhost:3000",
    botToken: env("BOT_TOKEN"),
    secret: env("BOT_SECRET"),
    port: Number(process.env.PORT ?? 4000),
    hostname: process.env.HOST ?? "127.0.0.1",
  });
  console.log(`echo-bot listening on ${server.url}`);
}
