// A reply to a Telegram user survives a crash: the channel.send job is written with the message, so after SIGKILL
// (while Telegram was failing) the restarted server sends it, once.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { FakeTelegram } from "../../testing/fakes/telegram.ts";
import { TEST_PLATFORM_TOKEN } from "../../testing/server.ts";

const MAIN = join(import.meta.dir, "../../main.ts");
const dataDir = mkdtempSync(join(tmpdir(), "parley-telegram-crash-"));
const procs: Subprocess[] = [];
let fake: FakeTelegram;
let port: number;

function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response("") });
  const p = probe.port!;
  probe.stop(true);
  return p;
}

/** Starts the server on `port`; the first start may move to another free port if something took this one meanwhile. */
async function serve(first = false): Promise<Subprocess> {
  for (let tries = 0; ; tries++) {
    try {
      return await start();
    } catch (err) {
      if (!first || tries >= 3) throw err;
      port = freePort();
    }
  }
}

async function start(): Promise<Subprocess> {
  const p = Bun.spawn([process.execPath, MAIN, "serve"], {
    env: {
      ...process.env,
      PORT: String(port),
      PARLEY_DATA_DIR: dataDir,
      PARLEY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PARLEY_PLATFORM_TOKEN: TEST_PLATFORM_TOKEN,
      PARLEY_TELEGRAM_API_URL: fake.url,
      PARLEY_LOG_LEVEL: "silent",
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  procs.push(p);
  const until = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return p;
    if (p.exitCode !== null || Date.now() > until) throw new Error(`server did not start: ${await new Response(p.stderr).text()}`);
    await Bun.sleep(50);
  }
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

beforeAll(() => {
  fake = new FakeTelegram().start();
  port = freePort();
});

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("SIGKILL while Telegram fails: after restart the queued reply is sent exactly once", async () => {
  let server = await serve(true);
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, token: string, json?: unknown) => {
    const res = await fetch(base + path, { method, headers: { api_access_token: token, "content-type": "application/json" }, body: json === undefined ? undefined : JSON.stringify(json) });
    return res.json() as Promise<any>;
  };
  const account = await call("POST", "/platform/api/v1/accounts", TEST_PLATFORM_TOKEN, { name: "Crashy" });
  const user = await call("POST", "/platform/api/v1/users", TEST_PLATFORM_TOKEN, { name: "Ada", email: "ada@crashy.test", password: "Passw0rd!long" });
  await call("POST", `/platform/api/v1/accounts/${account.id}/account_users`, TEST_PLATFORM_TOKEN, { user_id: user.id, role: "administrator" });
  const api = (method: string, path: string, json?: unknown) => call(method, `/api/v1/accounts/${account.id}${path}`, user.access_token, json);

  const bot = fake.addBot("crashy_bot").token;
  const inbox = await api("POST", "/inboxes", { name: "TG", channel: { type: "telegram", bot_token: bot } });
  expect(inbox.bot_name).toBe("crashy_bot");
  expect((await fake.deliver(bot, fake.update({ message: fake.message({ id: 9001, first_name: "Lin" }, { text: "hello?" }) }))).status).toBe(200);
  const conversation = (await api("GET", `/conversations?inbox_id=${inbox.id}&status=all`)).data.payload[0];

  // Telegram is down: the send is attempted and scheduled again.
  fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway", times: 1000 });
  const reply = await api("POST", `/conversations/${conversation.id}/messages`, { content: "We are on it." });
  await until("a first attempt", () => fake.callsOf("sendMessage").length >= 1);
  server.kill("SIGKILL");
  await server.exited;

  fake.clearFailures();
  const attemptsBefore = fake.callsOf("sendMessage").length;
  server = await serve();
  const sent = await until("the message to be sent", async () => {
    const msgs = (await api("GET", `/conversations/${conversation.id}/messages`)).payload as { id: number; source_id: string | null; status: string }[];
    const m = msgs.find((x) => x.id === reply.id);
    return m?.source_id ? m : null;
  });
  expect(sent.status).toBe("sent");
  await Bun.sleep(300);
  const after = fake.callsOf("sendMessage").slice(attemptsBefore);
  expect(after).toHaveLength(1);
  expect(after[0].params).toMatchObject({ chat_id: "9001", text: "We are on it." });
  server.kill("SIGTERM");
  await server.exited;
}, 60_000);
