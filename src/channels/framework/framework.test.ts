// The channel framework's shared pipeline, driven through a real server with a Telegram inbox (the fake Bot API):
// dedup under racing deliveries, the conversation an inbound message goes to, contact matching, echoes, replies,
// delivery receipts, the send job's last attempt, sealed secrets and the provider HTTP guard.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { attachments, messages } from "../../db/schema/conversations.ts";
import { channels } from "../../db/schema/inboxes.ts";
import { jobs } from "../../db/schema/jobs.ts";
import type { InboxRecord } from "../../domain/conversations/records.ts";
import { FakeTelegram } from "../../testing/fakes/telegram.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";
import { tokenDigest } from "../telegram/config.ts";
import { findChannelInbox, receiveInbound, type InboundMessage } from "./inbound.ts";
import { ChannelSendError, providerFetch } from "./provider.ts";
import { isSealed, openSecret, sealSecret } from "./secrets.ts";
import { applyDeliveryReceipt, recordConnection } from "./status.ts";

const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

let server: TestServer;
let fake: FakeTelegram;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let where: InboxRecord;

const api = async (method: string, path: string, json?: unknown) => {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, ...(json !== undefined ? { json } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};
const inbound = (contactId: string, sourceId: string | null, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  contact: { source_id: contactId, name: `User ${contactId}` },
  source_id: sourceId,
  content: `message ${sourceId}`,
  ...extra,
});
const row = (id: number) => server.deps.db.select().from(messages).where(eq(messages.id, id)).get()!;

beforeAll(async () => {
  fake = new FakeTelegram().start();
  server = startTestServer({ PARLEY_TELEGRAM_API_URL: fake.url }, { startJobs: false });
  fake.deliverTo = server.url;
  admin = await createAdmin(server);
  const { token } = fake.addBot("framework_bot");
  expect((await api("POST", "/inboxes", { name: "TG", channel: { type: "telegram", bot_token: token } })).status).toBe(200);
  where = findChannelInbox(server.deps.db, "Channel::Telegram", tokenDigest(token))!;
});
afterAll(async () => {
  await server.close();
  await fake.stop();
});

describe("inbound pipeline", () => {
  test("racing deliveries of one provider message store it once, with its file once", async () => {
    let downloads = 0;
    const msg = inbound("100", "100:1", {
      attachments: async () => {
        downloads++;
        await Bun.sleep(20);
        return [{ kind: "file", bytes: PNG, content_type: "image/png", file_name: "a.png" }];
      },
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => receiveInbound(server.deps, where, msg)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const ids = new Set(results.map((r) => r.message.id));
    expect(ids.size).toBe(1);
    const stored = server.deps.db.select().from(messages).where(and(eq(messages.inbox_id, where.inbox.id), eq(messages.source_id, "100:1"))).all();
    expect(stored).toHaveLength(1);
    expect(server.deps.db.select().from(attachments).where(eq(attachments.message_id, stored[0].id)).all()).toHaveLength(1);
    // Losers of the race removed the files they had stored; a later redelivery downloads nothing.
    expect(readdirSync(join(server.dataDir, "uploads", "attachments"))).toHaveLength(1);
    await receiveInbound(server.deps, where, msg);
    expect(downloads).toBeLessThanOrEqual(5);
    const before = downloads;
    await receiveInbound(server.deps, where, msg);
    expect(downloads).toBe(before);
  });

  test("a resolved conversation stays resolved (a new one starts) unless the inbox is locked to a single conversation", async () => {
    const first = await receiveInbound(server.deps, where, inbound("200", "200:1"));
    const again = await receiveInbound(server.deps, where, inbound("200", "200:2"));
    expect(again.conversation.id).toBe(first.conversation.id);
    await api("POST", `/conversations/${first.conversation.display_id}/toggle_status`, { status: "resolved" });
    const fresh = await receiveInbound(server.deps, where, inbound("200", "200:3"));
    expect(fresh.conversation.id).not.toBe(first.conversation.id);
    expect(fresh.conversation.status).toBe("open");

    await api("PATCH", `/inboxes/${where.inbox.id}`, { lock_to_single_conversation: true });
    await api("POST", `/conversations/${fresh.conversation.display_id}/toggle_status`, { status: "resolved" });
    const locked = { ...where, inbox: { ...where.inbox, lock_to_single_conversation: true } };
    const reopened = await receiveInbound(server.deps, locked, inbound("200", "200:4"));
    expect(reopened.conversation.id).toBe(fresh.conversation.id);
    expect(reopened.conversation.status).toBe("open");
    await api("PATCH", `/inboxes/${where.inbox.id}`, { lock_to_single_conversation: false });
  });

  test("a first message finds the account's contact by phone number or email; malformed ones are ignored, not refused", async () => {
    const known = (await api("POST", "/contacts", { name: "Known", phone_number: "+4915112345678" })).body.payload.contact;
    const byPhone = await receiveInbound(server.deps, where, { ...inbound("300", "300:1"), contact: { source_id: "300", name: "Other name", phone_number: "+4915112345678" } });
    expect(byPhone.contact!.id).toBe(known.id);
    const odd = await receiveInbound(server.deps, where, { ...inbound("301", "301:1"), contact: { source_id: "301", name: "Odd", phone_number: "12 34", email: "not-an-email" } });
    expect(odd.contact).toMatchObject({ name: "Odd", phone_number: null, email: null });
  });

  test("replies point at the message they answer; echoes of messages sent elsewhere are stored outgoing and never sent", async () => {
    const asked = await receiveInbound(server.deps, where, inbound("400", "400:1"));
    const reply = await receiveInbound(server.deps, where, inbound("400", "400:2", { in_reply_to: "400:1" }));
    expect(reply.message.content_attributes).toMatchObject({ in_reply_to: asked.message.id, in_reply_to_external_id: "400:1" });
    const sendsBefore = fake.callsOf("sendMessage").length;
    const echo = await receiveInbound(server.deps, where, inbound("400", "400:3", { direction: "outgoing", content: "sent from the phone" }));
    expect(echo.message).toMatchObject({ message_type: 1, sender_type: null, source_id: "400:3" });
    await server.runner.runUntilEmpty();
    expect(fake.callsOf("sendMessage").length).toBe(sendsBefore);
    expect(server.deps.db.select().from(jobs).where(eq(jobs.kind, "channel.send")).all().some((j) => (j.payload as { message_id: number }).message_id === echo.message.id)).toBe(false);
  });
});

describe("delivery receipts and the send job", () => {
  test("receipts move a message forward only; failed keeps the provider's error unless it was read", async () => {
    const { conversation } = await receiveInbound(server.deps, where, inbound("500", "500:1"));
    const sent = (await api("POST", `/conversations/${conversation.display_id}/messages`, { content: "tracked" })).body;
    await server.runner.runUntilEmpty();
    const sourceId = row(sent.id).source_id!;
    const receipt = (status: "sent" | "delivered" | "read" | "failed", error?: string) =>
      server.deps.tx((tx) => applyDeliveryReceipt(tx, { inbox_id: where.inbox.id, source_id: sourceId, status, error }));
    expect(receipt("delivered")!.status).toBe("delivered");
    expect(receipt("sent")!.status).toBe("delivered");
    expect(receipt("read")!.status).toBe("read");
    expect(receipt("delivered")!.status).toBe("read");
    expect(receipt("failed", "too late")!.status).toBe("read");
    expect(server.deps.tx((tx) => applyDeliveryReceipt(tx, { inbox_id: where.inbox.id, source_id: "nope", status: "read" }))).toBeNull();

    const other = (await api("POST", `/conversations/${conversation.display_id}/messages`, { content: "undeliverable" })).body;
    await server.runner.runUntilEmpty();
    const failed = server.deps.tx((tx) => applyDeliveryReceipt(tx, { inbox_id: where.inbox.id, source_id: row(other.id).source_id!, status: "failed", error: "(#131026) Message undeliverable" }));
    expect(failed).toMatchObject({ status: "failed", content_attributes: { external_error: "(#131026) Message undeliverable" } });
  });

  test("a transient provider error on the job's last attempt fails the message with the provider's text", async () => {
    const { conversation } = await receiveInbound(server.deps, where, inbound("600", "600:1"));
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    const m = (await api("POST", `/conversations/${conversation.display_id}/messages`, { content: "last try" })).body;
    const job = server.deps.db.select().from(jobs).where(eq(jobs.kind, "channel.send")).all().find((j) => (j.payload as { message_id: number }).message_id === m.id)!;
    server.deps.db.update(jobs).set({ attempts: job.max_attempts - 1 }).where(eq(jobs.id, job.id)).run();
    await server.runner.runUntilEmpty();
    expect(row(m.id)).toMatchObject({ status: "failed", content_attributes: { external_error: "Bad Gateway" } });
  });

  test("a message deleted before its job runs is not sent", async () => {
    const { conversation } = await receiveInbound(server.deps, where, inbound("700", "700:1"));
    const before = fake.callsOf("sendMessage").length;
    const m = (await api("POST", `/conversations/${conversation.display_id}/messages`, { content: "oops" })).body;
    expect((await api("DELETE", `/conversations/${conversation.display_id}/messages/${m.id}`)).status).toBe(200);
    await server.runner.runUntilEmpty();
    expect(fake.callsOf("sendMessage").length).toBe(before);
  });

  test("recordConnection keeps the status, the error and when it was seen", () => {
    server.deps.tx((tx) => recordConnection(tx, where.channel.id, "reauthorization_required", "Unauthorized"));
    const ch = server.deps.db.select().from(channels).where(eq(channels.id, where.channel.id)).get()!;
    expect(ch).toMatchObject({ connection_status: "reauthorization_required", connection_error: "Unauthorized" });
    expect(ch.connection_checked_at).toBeGreaterThan(0);
  });
});

describe("secrets and provider calls", () => {
  test("sealed secrets open only with the key they were sealed with", () => {
    const key = "k".repeat(48);
    const sealed = sealSecret(key, "123:secret-token");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("secret-token");
    expect(sealSecret(key, sealed)).toBe(sealed);
    expect(openSecret(key, sealed)).toBe("123:secret-token");
    expect(() => openSecret("x".repeat(48), sealed)).toThrow();
    expect(openSecret(key, "plain")).toBe("plain");
  });

  test("providerFetch refuses metadata addresses permanently and reports network failures as transient", async () => {
    const blocked = await providerFetch(server.deps, "http://169.254.169.254/latest/meta-data").catch((e) => e);
    expect(blocked).toBeInstanceOf(ChannelSendError);
    expect(blocked.permanent).toBe(true);
    const down = await providerFetch(server.deps, "http://127.0.0.1:9/nothing").catch((e) => e);
    expect(down).toBeInstanceOf(ChannelSendError);
    expect(down.permanent).toBe(false);
    const ok = await providerFetch(server.deps, `${fake.url}/file/bot0:none/x`);
    expect(ok.status).toBe(401);
  });
});
