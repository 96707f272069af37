import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { attachments, messages } from "../../db/schema/conversations.ts";
import { channels } from "../../db/schema/inboxes.ts";
import { jobs } from "../../db/schema/jobs.ts";
import { FakeTelegram } from "../../testing/fakes/telegram.ts";
import { createAdmin, startTestServer, type TestServer } from "../../testing/server.ts";

// One PNG pixel.
const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

let server: TestServer;
let fake: FakeTelegram;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let token: string;
let inboxId: number;

const api = async (method: string, path: string, json?: unknown) => {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}${path}`, { token: admin.token, method, ...(json !== undefined ? { json } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

const conversationsOf = async () => (await api("GET", `/conversations?inbox_id=${inboxId}&status=all`)).body.data.payload as { id: number; meta: { sender: { name: string } } }[];
const messagesOf = async (id: number) => (await api("GET", `/conversations/${id}/messages`)).body.payload as Record<string, any>[];

beforeAll(async () => {
  fake = new FakeTelegram().start();
  server = startTestServer({ PARLEY_TELEGRAM_API_URL: fake.url, PARLEY_PUBLIC_URL: "https://parley.example.com" }, { startJobs: false });
  fake.deliverTo = server.url;
  admin = await createAdmin(server);
  token = fake.addBot("acme_support_bot").token;
  const res = await api("POST", "/inboxes", { name: "Telegram", channel: { type: "telegram", bot_token: token } });
  expect(res.status).toBe(200);
  inboxId = res.body.id;
});

afterAll(async () => {
  await server.close();
  await fake.stop();
});

describe("Telegram inbox setup", () => {
  test("creating the inbox checks the token (getMe), registers the webhook with a secret token, and never shows the token", async () => {
    const inbox = (await api("GET", `/inboxes/${inboxId}`)).body;
    expect(inbox).toMatchObject({ channel_type: "Channel::Telegram", bot_name: "acme_support_bot" });
    expect(JSON.stringify(inbox)).not.toContain(token);
    expect(fake.callsOf("getMe").some((c) => c.token === token)).toBe(true);
    const hook = fake.webhookOf(token)!;
    expect(hook.url).toBe(`https://parley.example.com/webhooks/telegram/${token}`);
    expect(hook.secret_token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(hook.allowed_updates).toEqual(["message", "edited_message", "callback_query"]);
    // Stored sealed: the database does not hold the token in clear.
    const row = server.deps.db.select().from(channels).where(eq(channels.channel_type, "Channel::Telegram")).get()!;
    expect(JSON.stringify(row)).not.toContain(token.split(":")[1]);
    expect(String(row.config.bot_token)).toStartWith("sealed:v1:");
  });

  test("a token Telegram refuses is a 422 naming channel.bot_token, and nothing is created", async () => {
    const before = (await api("GET", "/inboxes")).body.payload.length;
    const refused = await api("POST", "/inboxes", { name: "Bad", channel: { type: "telegram", bot_token: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: "channel.bot_token", message: "was refused by Telegram: Unauthorized" }]);
    const malformed = await api("POST", "/inboxes", { name: "Bad", channel: { type: "telegram", bot_token: "not a token" } });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].field).toBe("channel.bot_token");
    fake.failNext("setWebhook", { error_code: 400, description: "Bad Request: bad webhook: Failed to resolve host: Name or service not known" });
    const unreachable = await api("POST", "/inboxes", { name: "Bad", channel: { type: "telegram", bot_token: fake.addBot("unreachable_bot").token } });
    expect(unreachable.status).toBe(422);
    expect(unreachable.body.errors[0]).toEqual({ field: "channel.bot_token", message: "could not register the webhook with Telegram: Bad Request: bad webhook: Failed to resolve host: Name or service not known" });
    const missing = await api("POST", "/inboxes", { name: "Bad", channel: { type: "telegram" } });
    expect(missing.body.errors[0]).toEqual({ field: "channel.bot_token", message: "can't be blank" });
    expect((await api("GET", "/inboxes")).body.payload.length).toBe(before);
  });
});

describe("Telegram inbound", () => {
  const ada = { id: 555001, first_name: "Ada", last_name: "Lovelace", username: "ada", language_code: "en" };

  test("a text message creates the contact, the conversation and the incoming message; a redelivery stores nothing", async () => {
    const update = fake.update({ message: fake.message(ada, { text: "Hello from Telegram" }) });
    expect((await fake.deliver(token, update)).status).toBe(200);
    expect((await fake.deliver(token, update)).status).toBe(200);
    const list = await conversationsOf();
    expect(list).toHaveLength(1);
    expect(list[0].meta.sender.name).toBe("Ada Lovelace");
    const msgs = await messagesOf(list[0].id);
    expect(msgs.filter((m) => m.content === "Hello from Telegram")).toHaveLength(1);
    const m = msgs.find((x) => x.content === "Hello from Telegram")!;
    expect(m).toMatchObject({ message_type: 0, source_id: `${ada.id}:${(update.message as { message_id: number }).message_id}` });
    const contact = (await api("GET", `/contacts/${m.sender.id}`)).body.payload;
    expect(contact.additional_attributes).toMatchObject({ username: "ada", social_telegram_user_id: ada.id, language_code: "en" });
  });

  test("updates without the registered secret token are refused with 401 and not stored", async () => {
    const update = fake.update({ message: fake.message(ada, { text: "forged" }) });
    expect((await fake.deliver(token, update, { secret: "wrong" })).status).toBe(401);
    expect((await fake.deliver(token, update, { secret: null })).status).toBe(401);
    const res = await fetch(`${server.url}/webhooks/telegram/999:unknownunknownunknownunknown`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    const all = server.deps.db.select().from(messages).where(eq(messages.content, "forged")).all();
    expect(all).toHaveLength(0);
  });

  test("a photo with a caption is downloaded (getFile + file URL); a location becomes a location attachment", async () => {
    const fileId = fake.addFile(PNG, "image/png", "pixel.png");
    await fake.deliver(token, fake.update({ message: fake.message(ada, { caption: "my screenshot", photo: [{ file_id: fileId, width: 1, height: 1 }] }) }));
    await fake.deliver(token, fake.update({ message: fake.message(ada, { location: { latitude: 52.52, longitude: 13.405 }, venue: { location: { latitude: 52.52, longitude: 13.405 }, title: "Berlin" } }) }));
    const [conv] = await conversationsOf();
    const msgs = await messagesOf(conv.id);
    const photo = msgs.find((m) => m.content === "my screenshot")!;
    expect(photo.attachments).toHaveLength(1);
    expect(photo.attachments[0]).toMatchObject({ file_type: "image", file_size: PNG.byteLength });
    const bytes = new Uint8Array(await (await fetch(photo.attachments[0].data_url.replace("https://parley.example.com", server.url))).arrayBuffer());
    expect(bytes).toEqual(PNG);
    const loc = server.deps.db.select().from(attachments).where(eq(attachments.file_type, "location")).get()!;
    expect(loc).toMatchObject({ coordinates_lat: 52.52, coordinates_long: 13.405, fallback_title: "Berlin" });
  });

  test("an edited message changes the stored content", async () => {
    const original = fake.message(ada, { text: "teh typo" });
    await fake.deliver(token, fake.update({ message: original }));
    await fake.deliver(token, fake.update({ edited_message: { ...original, text: "the typo", edit_date: 1 } }));
    const [conv] = await conversationsOf();
    const m = (await messagesOf(conv.id)).find((x) => x.source_id === `${ada.id}:${original.message_id}`)!;
    expect(m.content).toBe("the typo");
    expect(m.content_attributes).toMatchObject({ is_edited: true, previous_content: "teh typo" });
  });
});

describe("Telegram outbound", () => {
  const bob = { id: 555002, first_name: "Bob" };
  let conversationId: number;

  beforeAll(async () => {
    await fake.deliver(token, fake.update({ message: fake.message(bob, { text: "Hi, I need help" }) }));
    const list = await conversationsOf();
    conversationId = list.find((c) => c.meta.sender.name === "Bob")!.id;
  });

  test("an agent's reply is sent with sendMessage and gets Telegram's message id; private notes are not sent", async () => {
    const before = fake.callsOf("sendMessage").length;
    const reply = await api("POST", `/conversations/${conversationId}/messages`, { content: "Hello Bob, how can I help?" });
    await api("POST", `/conversations/${conversationId}/messages`, { content: "internal note", private: true });
    await server.runner.runUntilEmpty();
    const sends = fake.callsOf("sendMessage").slice(before);
    expect(sends).toHaveLength(1);
    expect(sends[0].params).toMatchObject({ chat_id: String(bob.id), text: "Hello Bob, how can I help?" });
    const stored = server.deps.db.select().from(messages).where(eq(messages.id, reply.body.id)).get()!;
    expect(stored.status).toBe("sent");
    expect(stored.source_id).toMatch(new RegExp(`^${bob.id}:\\d+$`));
  });

  test("Markdown goes out as Telegram HTML; if Telegram cannot parse it, the text goes again as typed", async () => {
    const before = fake.callsOf("sendMessage").length;
    await api("POST", `/conversations/${conversationId}/messages`, { content: "Your **order** ships <today> & `tomorrow`" });
    await server.runner.runUntilEmpty();
    expect(fake.callsOf("sendMessage").slice(before)[0].params).toMatchObject({ parse_mode: "HTML", text: "Your <b>order</b> ships &lt;today&gt; &amp; <code>tomorrow</code>" });

    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0" });
    const m = await api("POST", `/conversations/${conversationId}/messages`, { content: "**fallback**" });
    await server.runner.runUntilEmpty();
    const [formatted, plain] = fake.callsOf("sendMessage").slice(-2);
    expect(formatted.params).toMatchObject({ parse_mode: "HTML", text: "<b>fallback</b>" });
    expect(plain.params.text).toBe("**fallback**");
    expect(plain.params.parse_mode).toBeUndefined();
    expect(server.deps.db.select().from(messages).where(eq(messages.id, m.body.id)).get()!.status).toBe("sent");
  });

  test("a refusal (the user blocked the bot) marks the message failed with Telegram's description", async () => {
    fake.block(bob.id);
    const reply = await api("POST", `/conversations/${conversationId}/messages`, { content: "Are you there?" });
    await server.runner.runUntilEmpty();
    const m = (await messagesOf(conversationId)).find((x) => x.id === reply.body.id)!;
    expect(m.status).toBe("failed");
    expect(m.content_attributes.external_error).toBe("Forbidden: bot was blocked by the user");
  });

  test("a rate limit (429 retry_after) is retried later instead of failing the message", async () => {
    const carol = { id: 555003, first_name: "Carol" };
    await fake.deliver(token, fake.update({ message: fake.message(carol, { text: "hello" }) }));
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Carol")!;
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    const reply = await api("POST", `/conversations/${conv.id}/messages`, { content: "Thanks for waiting" });
    await server.runner.runUntilEmpty();
    let row = server.deps.db.select().from(messages).where(eq(messages.id, reply.body.id)).get()!;
    expect(row.status).toBe("sent");
    expect(row.source_id).toBeNull();
    const job = server.deps.db.select().from(jobs).where(eq(jobs.kind, "channel.send")).all().at(-1)!;
    expect(job.status).toBe("pending");
    expect(job.run_at).toBeGreaterThan(Date.now() + 500);
    await Bun.sleep(job.run_at - Date.now() + 50);
    await server.runner.runUntilEmpty();
    row = server.deps.db.select().from(messages).where(eq(messages.id, reply.body.id)).get()!;
    expect(row.source_id).toMatch(new RegExp(`^${carol.id}:\\d+$`));
  });

  test("attachments are uploaded (sendPhoto multipart) with the text as caption", async () => {
    const dave = { id: 555004, first_name: "Dave" };
    await fake.deliver(token, fake.update({ message: fake.message(dave, { text: "screenshot please" }) }));
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Dave")!;
    const form = new FormData();
    form.set("content", "Here it is");
    form.append("attachments[]", new File([PNG], "shot.png", { type: "image/png" }));
    const res = await server.api(`/api/v1/accounts/${admin.account.id}/conversations/${conv.id}/messages`, { token: admin.token, method: "POST", body: form });
    expect(res.status).toBe(200);
    await server.runner.runUntilEmpty();
    const call = fake.callsOf("sendPhoto").at(-1)!;
    expect(call.params).toMatchObject({ chat_id: String(dave.id), caption: "Here it is" });
    expect(call.files.photo.bytes).toEqual(PNG);
  });

  test("several photos go out as one album (sendMediaGroup) with the text as the first one's caption", async () => {
    const gus = { id: 555007, first_name: "Gus" };
    await fake.deliver(token, fake.update({ message: fake.message(gus, { text: "photos please" }) }));
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Gus")!;
    const form = new FormData();
    form.set("content", "Both **sides**");
    for (const name of ["front.png", "back.png"]) form.append("attachments[]", new File([PNG], name, { type: "image/png" }));
    form.append("attachments[]", new File([new TextEncoder().encode("%PDF-1.4\n")], "manual.pdf", { type: "application/pdf" }));
    const res = await server.api(`/api/v1/accounts/${admin.account.id}/conversations/${conv.id}/messages`, { token: admin.token, method: "POST", body: form });
    await server.runner.runUntilEmpty();
    const album = fake.callsOf("sendMediaGroup").at(-1)!;
    expect(JSON.parse(String(album.params.media))).toEqual([
      { type: "photo", media: "attach://file0", caption: "Both <b>sides</b>", parse_mode: "HTML" },
      { type: "photo", media: "attach://file1" },
    ]);
    expect(album.files.file1.name).toBe("back.png");
    const doc = fake.callsOf("sendDocument").at(-1)!;
    expect(doc.files.document.name).toBe("manual.pdf");
    expect(doc.params.caption).toBeUndefined();
    const stored = server.deps.db.select().from(messages).where(eq(messages.id, (await res.json()).id)).get()!;
    expect(stored.source_id).toMatch(new RegExp(`^${gus.id}:\\d+$`));
  });

  test("a reply to a message threads with reply_parameters; a PDF goes out with sendDocument", async () => {
    const finn = { id: 555006, first_name: "Finn" };
    const asked = fake.message(finn, { text: "Which plan am I on?" });
    await fake.deliver(token, fake.update({ message: asked }));
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Finn")!;
    const incoming = (await messagesOf(conv.id)).find((m) => m.content === "Which plan am I on?")!;
    await api("POST", `/conversations/${conv.id}/messages`, { content: "The Pro plan.", content_attributes: { in_reply_to: incoming.id } });
    await server.runner.runUntilEmpty();
    expect(fake.callsOf("sendMessage").at(-1)!.params).toMatchObject({ text: "The Pro plan.", reply_parameters: { message_id: asked.message_id } });

    const form = new FormData();
    form.append("attachments[]", new File([new TextEncoder().encode("%PDF-1.4\n")], "plan.pdf", { type: "application/pdf" }));
    await server.api(`/api/v1/accounts/${admin.account.id}/conversations/${conv.id}/messages`, { token: admin.token, method: "POST", body: form });
    await server.runner.runUntilEmpty();
    const doc = fake.callsOf("sendDocument").at(-1)!;
    expect(doc.params.chat_id).toBe(String(finn.id));
    expect(doc.files.document.name).toBe("plan.pdf");
  });

  test("an input_select goes out as an inline keyboard; the button press comes back as the contact's answer", async () => {
    const erin = { id: 555005, first_name: "Erin" };
    await fake.deliver(token, fake.update({ message: fake.message(erin, { text: "options?" }) }));
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Erin")!;
    const ask = await api("POST", `/conversations/${conv.id}/messages`, {
      content: "Pick one",
      content_type: "input_select",
      content_attributes: { items: [{ title: "Billing", value: "billing" }, { title: "Sales", value: "sales" }] },
    });
    await server.runner.runUntilEmpty();
    const call = fake.callsOf("sendMessage").at(-1)!;
    expect(call.params.reply_markup).toEqual({ inline_keyboard: [[{ text: "Billing", callback_data: "billing" }], [{ text: "Sales", callback_data: "sales" }]] });
    const sent = server.deps.db.select().from(messages).where(eq(messages.id, ask.body.id)).get()!;
    const messageId = Number(sent.source_id!.split(":")[1]);
    const press = { id: "cbq-1", from: { id: erin.id, first_name: "Erin", is_bot: false }, message: { message_id: messageId, chat: { id: erin.id, type: "private" } }, data: "sales" };
    expect((await fake.deliver(token, fake.update({ callback_query: press }))).status).toBe(200);
    const msgs = await messagesOf(conv.id);
    expect(msgs.at(-1)).toMatchObject({ message_type: 0, content: "sales", content_attributes: { in_reply_to: ask.body.id } });
    expect(msgs.find((m) => m.id === ask.body.id)!.content_attributes.submitted_values).toEqual([{ title: "Sales", value: "sales" }]);
    expect(fake.callsOf("answerCallbackQuery").at(-1)!.params).toMatchObject({ callback_query_id: "cbq-1" });
  });
});

describe("Telegram connection", () => {
  let other: { token: string; inboxId: number };
  const status = (id: number) => server.deps.db.select().from(channels).where(eq(channels.id, id)).get()!;
  const channelIdOf = async (id: number) => (await api("GET", `/inboxes/${id}`)).body.channel_id as number;

  beforeAll(async () => {
    const { token: t } = fake.addBot("second_bot");
    const res = await api("POST", "/inboxes", { name: "Second bot", channel: { type: "telegram", bot_token: t } });
    other = { token: t, inboxId: res.body.id };
  });

  test("a new token given with PATCH is checked and registered; the old token's webhook no longer reaches the inbox", async () => {
    const { token: next } = fake.addBot("renamed_bot");
    const bad = await api("PATCH", `/inboxes/${other.inboxId}`, { channel: { bot_token: "42:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("channel.bot_token");
    const res = await api("PATCH", `/inboxes/${other.inboxId}`, { channel: { bot_token: next } });
    expect(res.status).toBe(200);
    expect(res.body.bot_name).toBe("renamed_bot");
    expect(fake.webhookOf(next)!.url).toEndWith(`/webhooks/telegram/${next}`);
    expect((await fake.deliver(other.token, fake.update({ message: fake.message({ id: 777001 }, { text: "old bot" }) }))).status).toBe(404);
    expect((await fake.deliver(next, fake.update({ message: fake.message({ id: 777001 }, { text: "new bot" }) }))).status).toBe(200);
    // Changing other settings leaves the bot alone.
    const calls = fake.callsOf("setWebhook").length;
    expect((await api("PATCH", `/inboxes/${other.inboxId}`, { name: "Renamed", channel: {} })).status).toBe(200);
    expect(fake.callsOf("setWebhook").length).toBe(calls);
    other.token = next;
  });

  test("getWebhookInfo marks the inbox connected, failing (Telegram's last delivery error, another server's webhook) or needing a new token", async () => {
    const { checkTelegramWebhooks } = await import("./health.ts");
    const channelId = await channelIdOf(other.inboxId);
    await checkTelegramWebhooks(server.deps);
    expect(status(channelId)).toMatchObject({ connection_status: "connected", connection_error: null });

    fake.webhookFailed(other.token, "Wrong response from the webhook: 502 Bad Gateway");
    await checkTelegramWebhooks(server.deps);
    expect(status(channelId)).toMatchObject({ connection_status: "error", connection_error: "Telegram cannot deliver updates to Parley: Wrong response from the webhook: 502 Bad Gateway" });

    fake.setWebhookUrl(other.token, `https://elsewhere.example.net/webhooks/telegram/${other.token}`);
    await checkTelegramWebhooks(server.deps);
    expect(status(channelId).connection_error).toBe("The bot's webhook points to elsewhere.example.net: another server took the bot over.");

    fake.revoke(other.token);
    await checkTelegramWebhooks(server.deps);
    expect(status(channelId)).toMatchObject({ connection_status: "reauthorization_required", connection_error: "Telegram refused the bot token: Unauthorized" });
  });

  test("a send refused for the token fails the message and asks for a new token", async () => {
    const channelId = await channelIdOf(other.inboxId);
    server.deps.tx((tx) => tx.db.update(channels).set({ connection_status: "connected", connection_error: null }).where(eq(channels.id, channelId)).run());
    const conv = ((await api("GET", `/conversations?inbox_id=${other.inboxId}&status=all`)).body.data.payload as { id: number }[])[0];
    const reply = await api("POST", `/conversations/${conv.id}/messages`, { content: "anyone?" });
    await server.runner.runUntilEmpty();
    expect(server.deps.db.select().from(messages).where(eq(messages.id, reply.body.id)).get()).toMatchObject({ status: "failed", content_attributes: { external_error: "Unauthorized" } });
    expect(status(channelId).connection_status).toBe("reauthorization_required");
  });
});

describe("Telegram inbox removal", () => {
  test("deleting the inbox removes its webhook, but not one another server has registered since", async () => {
    const mine = fake.addBot("leaving_bot").token;
    const a = (await api("POST", "/inboxes", { name: "Leaving", channel: { type: "telegram", bot_token: mine } })).body;
    expect((await api("DELETE", `/inboxes/${a.id}`)).status).toBe(200);
    expect(fake.webhookOf(mine)).toBeUndefined();

    const moved = fake.addBot("moved_bot").token;
    const b = (await api("POST", "/inboxes", { name: "Moved", channel: { type: "telegram", bot_token: moved } })).body;
    fake.setWebhookUrl(moved, `https://new-home.example.org/webhooks/telegram/${moved}`);
    expect((await api("DELETE", `/inboxes/${b.id}`)).status).toBe(200);
    expect(fake.webhookOf(moved)?.url).toStartWith("https://new-home.example.org/");
  });
});

describe("Telegram inbound types", () => {
  const zoe = { id: 555100, first_name: "Zoe" };
  const latest = async () => {
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Zoe")!;
    return (await messagesOf(conv.id)).at(-1)!;
  };
  const OGG = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
  const PDF = new TextEncoder().encode("%PDF-1.4\n%test\n");

  test("voice, document, sticker and a shared contact become attachments of the right type", async () => {
    const voice = fake.addFile(OGG, "audio/ogg", "voice.oga");
    await fake.deliver(token, fake.update({ message: fake.message(zoe, { voice: { file_id: voice, mime_type: "audio/ogg", duration: 2 } }) }));
    expect((await latest()).attachments[0]).toMatchObject({ file_type: "audio", file_size: OGG.byteLength });

    const doc = fake.addFile(PDF, "application/pdf", "invoice.pdf");
    await fake.deliver(token, fake.update({ message: fake.message(zoe, { caption: "my invoice", document: { file_id: doc, file_name: "invoice.pdf", mime_type: "application/pdf" } }) }));
    const withDoc = await latest();
    expect(withDoc.content).toBe("my invoice");
    expect(withDoc.attachments[0]).toMatchObject({ file_type: "file", extension: "pdf" });

    const sticker = fake.addFile(PNG, "image/webp", "sticker.webp");
    await fake.deliver(token, fake.update({ message: fake.message(zoe, { sticker: { file_id: sticker, emoji: "👍", is_animated: false, is_video: false } }) }));
    expect((await latest()).attachments[0]).toMatchObject({ file_type: "image" });

    await fake.deliver(token, fake.update({ message: fake.message(zoe, { contact: { phone_number: "+15550001111", first_name: "Bob", last_name: "Builder" } }) }));
    const card = server.deps.db.select().from(attachments).where(eq(attachments.file_type, "contact")).all().at(-1)!;
    expect(card).toMatchObject({ fallback_title: "+15550001111", meta: { first_name: "Bob", last_name: "Builder" } });
  });

  test("group chats, other bots and unreadable bodies are acknowledged and ignored", async () => {
    const before = server.deps.db.select().from(messages).all().length;
    const group = { ...fake.message(zoe, { text: "group hello" }), chat: { id: -100123, type: "supergroup", title: "Fans" } };
    expect((await fake.deliver(token, fake.update({ message: group }))).status).toBe(200);
    expect((await fake.deliver(token, fake.update({ message: fake.message({ id: 999, is_bot: true } as never, { text: "beep" }) }))).status).toBe(200);
    expect((await fake.deliver(token, { update_id: "not a number", message: 42 } as never)).status).toBe(200);
    const secret = fake.webhookOf(token)!.secret_token!;
    const raw = await fetch(`${server.url}/webhooks/telegram/${token}`, { method: "POST", headers: { "x-telegram-bot-api-secret-token": secret, "content-type": "application/json" }, body: "{not json" });
    expect(raw.status).toBe(200);
    expect(server.deps.db.select().from(messages).all().length).toBe(before);
  });

  test("a file Telegram cannot hand over right now is answered 503 (Telegram redelivers), then stored once", async () => {
    const file = fake.addFile(PNG, "image/png", "late.png");
    const update = fake.update({ message: fake.message(zoe, { photo: [{ file_id: file, width: 1, height: 1 }], caption: "late photo" }) });
    fake.failNext("getFile", { error_code: 500, description: "Internal Server Error" });
    expect((await fake.deliver(token, update)).status).toBe(503);
    expect((await fake.deliver(token, update)).status).toBe(200);
    expect((await fake.deliver(token, update)).status).toBe(200);
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Zoe")!;
    const copies = (await messagesOf(conv.id)).filter((m) => m.content === "late photo");
    expect(copies).toHaveLength(1);
    expect(copies[0].attachments).toHaveLength(1);
  });
});

describe("Telegram contact avatars", () => {
  test("a new contact gets their Telegram profile photo as avatar, fetched once in the background", async () => {
    const yara = { id: 555200, first_name: "Yara" };
    fake.setProfilePhoto(yara.id, PNG, "image/png");
    await fake.deliver(token, fake.update({ message: fake.message(yara, { text: "hello" }) }));
    await fake.deliver(token, fake.update({ message: fake.message(yara, { text: "again" }) }));
    await server.runner.runUntilEmpty();
    expect(fake.callsOf("getUserProfilePhotos").filter((c) => Number(c.params.user_id) === yara.id)).toHaveLength(1);
    const conv = (await conversationsOf()).find((c) => c.meta.sender.name === "Yara")!;
    const contactId = (await messagesOf(conv.id))[0].sender.id;
    const contact = (await api("GET", `/contacts/${contactId}`)).body.payload;
    expect(contact.avatar_url ?? contact.thumbnail).toMatch(/^https:\/\/parley\.example\.com\/.+\.png$/);
    const local = new URL(contact.avatar_url ?? contact.thumbnail).pathname;
    expect(new Uint8Array(await (await fetch(server.url + local)).arrayBuffer())).toEqual(PNG);

    // Without a profile photo nothing changes.
    await fake.deliver(token, fake.update({ message: fake.message({ id: 555201, first_name: "Xena" }, { text: "hi" }) }));
    await server.runner.runUntilEmpty();
    const xena = (await conversationsOf()).find((c) => c.meta.sender.name === "Xena")!;
    const xenaId = (await messagesOf(xena.id))[0].sender.id;
    expect((await api("GET", `/contacts/${xenaId}`)).body.payload.avatar_url ?? null).toBeFalsy();
  });
});
