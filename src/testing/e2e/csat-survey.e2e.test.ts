// The public CSAT survey page in a real browser (Chromium under our CSP): rate, comment, submit (a plain form post).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { conversations } from "../../db/schema/conversations.ts";
import { createSession, postContactMessage, startConversation } from "../../domain/public-client/commands.ts";
import { findPublicInbox } from "../../domain/public-client/session.ts";
import { createAdmin } from "../server.ts";
import { browserSuite, SCREENSHOTS, watchForErrors } from "./browser.ts";

const suite = browserSuite();

test("a contact rates a resolved conversation on the survey page", async () => {
  const admin = await createAdmin(suite.server);
  const api = (method: string, path: string, json?: unknown) => suite.server.api(`/api/v1/accounts/${admin.account.id}${path}`, { method, token: admin.token, json });
  const inbox = await (
    await api("POST", "/inboxes", { name: "Acme Support", business_name: "Acme Support", channel: { type: "api" }, csat_survey_enabled: true, csat_config: { display_type: "emoji" } })
  ).json();
  const where = findPublicInbox(suite.server.deps.db, inbox.inbox_identifier);
  const conversation = suite.server.deps.tx((tx) => {
    const session = createSession(tx, where, { name: "Casey", email: "casey@customer.example" }, false);
    const c = startConversation(tx, session, {});
    postContactMessage(tx, session, tx.db.select().from(conversations).where(eq(conversations.id, c.id)).get()!, { content: "My order is late" });
    return c;
  });
  expect((await api("POST", `/conversations/${conversation.display_id}/toggle_status`, { status: "resolved" })).status).toBe(200);

  const context = await suite.browser.newContext({ viewport: { width: 720, height: 860 } });
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await page.goto(`${suite.server.url}/survey/responses/${conversation.uuid}`);
  expect(await page.locator("h1").textContent()).toBe("Rate your conversation");
  expect(await page.locator(".survey-message").textContent()).toBe("Please rate the conversation");
  await page.check("#rating-4", { force: true });
  await page.fill("#f-feedback_message", "Quick and friendly, thanks!");
  await page.screenshot({ path: join(SCREENSHOTS, "csat-survey.png"), fullPage: true });
  await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit]")]);
  await page.locator(".survey-thanks").waitFor();
  expect(await page.locator("h1").textContent()).toBe("Thank you for your feedback");
  expect(await page.locator("#rating-4").isChecked()).toBe(true);
  await page.screenshot({ path: join(SCREENSHOTS, "csat-survey-thanks.png"), fullPage: true });

  const responses = await (await api("GET", "/csat_survey_responses")).json();
  expect(responses).toHaveLength(1);
  expect(responses[0]).toMatchObject({ rating: 4, feedback_message: "Quick and friendly, thanks!", conversation_id: conversation.display_id });
  expect(problems).toEqual([]);
  await context.close();
}, 60_000);
