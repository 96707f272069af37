// The conversation pane in a real browser: open a conversation, reply with Enter, write a private note with an
// @-mention picked from the autocomplete, attach a file, see an API message and a teammate typing arrive live,
// snooze with a preset, resolve. Screenshots at desktop and phone width.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { browserSuite, apiTokenFromProfile, submitOnboarding, watchForErrors, SCREENSHOTS } from "./browser.ts";
import { createAgent } from "../server.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAKklEQVR42mNkYPhfz0AEYBxVSF+FjMRqGFVIX4WMxGoYVUhfhYzEahhVCAB8jxARp7T8iQAAAABJRU5ErkJggg==",
  "base64",
);

const suite = browserSuite();

test("open a conversation, reply, note with a mention, attach, live messages and typing, snooze, resolve", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);

  await page.goto(suite.server.url + "/");
  const { accountBase, accountId } = await submitOnboarding(page, { name: "Olivia Owner", account: "Acme", email: "olivia@acme.test" });
  const token = await apiTokenFromProfile(page, accountBase);
  const api = async (path: string, json: unknown, as = token) => {
    const res = await suite.server.api(`/api/v1/accounts/${accountId}${path}`, { method: "POST", token: as, json });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };
  const inbox = await api("/inboxes", { name: "Support", channel: { type: "api" } });
  const alex = await createAgent(suite.server, { account: { id: accountId }, token }, { name: "Alex Agent" });
  await api("/inbox_members", { inbox_id: inbox.id, user_ids: [alex.user.id] });
  const contact = await api("/contacts", { name: "Casey Customer", email: "casey@customer.test", inbox_id: inbox.id });
  const me = await (await suite.server.api("/api/v1/profile", { token })).json();
  // A second conversation, older, so that "Resolve and next" has somewhere to go (both are the owner's).
  const other = await api("/contacts", { name: "Dana Doe", email: "dana@customer.test", inbox_id: inbox.id });
  const second = await api("/conversations", { source_id: other.payload.contact_inbox.source_id, inbox_id: inbox.id, assignee_id: me.id });
  await api(`/conversations/${second.id}/messages`, { content: "Where is my refund?", message_type: "incoming" });
  const conversation = await api("/conversations", { source_id: contact.payload.contact_inbox.source_id, inbox_id: inbox.id, assignee_id: me.id });
  await api(`/conversations/${conversation.id}/messages`, { content: "Hi! My **order #1234** has not arrived yet.", message_type: "incoming" });

  await page.goto(`${accountBase}/conversations/${conversation.id}`);
  await page.locator('#conversation-pane[data-ready="true"]').waitFor();
  expect(await page.locator("#conversation-heading").textContent()).toBe("Casey Customer");
  expect(await page.locator(".message-in strong").textContent()).toBe("order #1234");

  // Reply with Enter (Shift+Enter is a new line).
  await page.click("#reply-content");
  await page.keyboard.type("Sorry about that!");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("Let me check.");
  await page.keyboard.press("Enter");
  const reply = page.locator(".message-out:not(.message-private)").last();
  await reply.waitFor();
  expect(await reply.locator(".message-content").innerHTML()).toBe("<p>Sorry about that!<br>Let me check.</p>");
  expect(await page.inputValue("#reply-content")).toBe("");

  // A private note mentioning Alex, picked from the autocomplete.
  await page.click('[data-shortcut="note"]');
  await page.click("#reply-content");
  await page.keyboard.type("@Al");
  const option = page.locator("#reply-suggestions [role=option]", { hasText: "Alex Agent" });
  await option.waitFor();
  await option.click();
  await page.keyboard.type("can you look at the courier?");
  await page.keyboard.press("Enter");
  const note = page.locator(".message-private").last();
  await note.waitFor();
  expect(await note.locator(".mention").textContent()).toBe("@Alex Agent");
  expect(await note.locator(".message-tag-private").textContent()).toContain("Private note");
  const mentions = await suite.server.api(`/api/v1/accounts/${accountId}/conversations?conversation_type=mention`, { token: alex.token });
  expect((await mentions.json()).data.payload.map((c: { id: number }) => c.id)).toEqual([conversation.id]);

  // Attach a file with the picker and send it as a reply.
  await page.click('[data-shortcut="reply"]');
  await page.setInputFiles(".reply-file-input", { name: "label.png", mimeType: "image/png", buffer: PNG });
  expect(await page.locator(".reply-file-name").textContent()).toContain("label.png");
  await page.fill("#reply-content", "Here is the shipping label.");
  await page.click('[data-testid="reply-send"]');
  const image = page.locator('.message-out img[alt="label.png"]');
  await image.waitFor();
  await page.waitForFunction(() => (document.querySelector('.message-out img[alt="label.png"]') as HTMLImageElement | null)?.naturalWidth === 16);
  expect(await page.locator(".reply-file").count()).toBe(0);

  // A canned response picked with "/", and a file dropped onto the conversation.
  await api("/canned_responses", { short_code: "eta", content: "Deliveries take 3-5 working days." });
  await page.click("#reply-content");
  await page.keyboard.type("/et");
  const canned = page.locator("#reply-suggestions [role=option]", { hasText: "/eta" });
  await canned.waitFor();
  await page.keyboard.press("Enter");
  expect(await page.inputValue("#reply-content")).toBe("Deliveries take 3-5 working days.");
  await page.locator("#timeline-scroll").evaluate((zone) => {
    const data = new DataTransfer();
    data.items.add(new File(["order,status\n1234,late\n"], "orders.csv", { type: "text/csv" }));
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  expect(await page.locator(".reply-file-name").textContent()).toContain("orders.csv");
  await page.keyboard.press("Enter");
  await page.locator(".message-out .attachment-file", { hasText: "orders.csv" }).waitFor();

  // Live: a customer message through the API and a teammate typing appear without reload.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await api(`/conversations/${conversation.id}/messages`, { content: "Thanks, waiting for news.", message_type: "incoming" });
  await page.locator(".message-in", { hasText: "Thanks, waiting for news." }).waitFor({ timeout: 5000 });
  await api(`/conversations/${conversation.id}/toggle_typing_status`, { typing_status: "on" }, alex.token);
  await page.locator('[data-testid="collision"]', { hasText: "Alex Agent is replying" }).waitFor({ timeout: 5000 });
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(await page.locator("#timeline li[data-message-id]").count()).toBe(7);

  await page.screenshot({ path: join(SCREENSHOTS, "conversation.png") });

  // A status change made elsewhere (a teammate, through the API) updates the header live.
  await api(`/conversations/${conversation.id}/toggle_status`, { status: "pending" }, alex.token);
  await page.locator('#conversation-header[data-status="pending"]').waitFor({ timeout: 5000 });

  // Snooze for an hour, then reopen and resolve.
  await page.click('[data-testid="more-status"]');
  await page.click('[data-testid="snooze-hour"]');
  await page.locator('#conversation-header[data-status="snoozed"]').waitFor();
  await page.click('[data-testid="reopen"]');
  await page.locator('#conversation-header[data-status="open"]').waitFor();
  await page.click('[data-shortcut="resolve"]');
  await page.locator('#conversation-header[data-status="resolved"]').waitFor();
  const state = await (await suite.server.api(`/api/v1/accounts/${accountId}/conversations/${conversation.id}`, { token })).json();
  expect(state.status).toBe("resolved");
  // The activity lines of the status changes were fetched into the timeline.
  await page.locator(".message-activity", { hasText: "resolved" }).waitFor({ timeout: 5000 });

  // Reopen, then "Resolve and next" resolves it and opens the next conversation of the list.
  await page.click('[data-testid="reopen"]');
  await page.locator('#conversation-header[data-status="open"]').waitFor();
  await page.locator(`#conversation-list [data-display-id="${second.id}"]`).waitFor();
  await page.click('[data-testid="resolve-next"]');
  await page.locator(`#conversation-pane[data-conversation-id="${second.id}"]`).waitFor();
  expect(await page.locator("#conversation-heading").textContent()).toBe("Dana Doe");
  await page.waitForURL(new RegExp(`/conversations/${second.id}`));
  const first = await (await suite.server.api(`/api/v1/accounts/${accountId}/conversations/${conversation.id}`, { token })).json();
  expect(first.status).toBe("resolved");

  // A long conversation: the latest 50 first, older pages load when scrolling up.
  const long = await api("/conversations", { source_id: other.payload.contact_inbox.source_id, inbox_id: inbox.id });
  for (let i = 1; i <= 60; i++) await api(`/conversations/${long.id}/messages`, { content: `Line ${i}`, message_type: i % 2 ? "incoming" : "outgoing" });
  await page.goto(`${accountBase}/conversations/${long.id}`);
  await page.locator('#conversation-pane[data-ready="true"]').waitFor();
  expect(await page.locator("#timeline li[data-message-id]").count()).toBe(50);
  expect(await page.locator(".timeline-start").count()).toBe(0);
  await page.locator("#timeline-scroll").evaluate((el) => (el.scrollTop = 0));
  await page.locator(".timeline-start").waitFor({ timeout: 5000 });
  expect(await page.locator("#timeline li[data-message-id]").count()).toBe(60);
  expect(await page.locator("#timeline li[data-message-id] .message-content").first().textContent()).toBe("Line 1");

  await page.goto(`${accountBase}/conversations/${conversation.id}`);
  await page.locator('#conversation-pane[data-ready="true"]').waitFor();

  // Phone width: reading and replying still work.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator("#reply-content").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, "conversation-phone.png") });

  expect(problems).toEqual([]);
  await context.close();
}, 90_000);
