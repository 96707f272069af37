// Bulk actions in the workspace: tick conversations, the selection bar appears with the count, an action applies
// to every ticked one (through the same domain as POST /bulk_actions) and the list follows.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { accountPath, caller, createApiInbox, startConversation } from "../../api/v1/accounts/conversation-test-kit.ts";
import { createAdmin } from "../server.ts";
import { browserSuite, SCREENSHOTS, watchForErrors } from "./browser.ts";

const suite = browserSuite();

test("tick two conversations, resolve them together; assign the third through the bar", async () => {
  const created = await createAdmin(suite.server, { name: "Olivia Owner" });
  const admin = { ...created, user: { id: created.user.id as number } };
  const inbox = await createApiInbox(suite.server, admin, { enable_auto_assignment: false });
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push((await startConversation(suite.server, admin, inbox.id)).id);
  const call = caller(suite.server);
  const status = async (id: number) => (await call(admin.token, "GET", accountPath(admin.account.id, `/conversations/${id}`))).body;

  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = watchForErrors(page);
  await page.goto(suite.server.url + "/app/login");
  await page.fill("#f-email", created.email);
  await page.fill("#f-password", created.password);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click("button[type=submit]")]);
  await page.click('.ws-tab:has-text("All"), a:has-text("All")');
  await page.locator(`#conversation-row-${ids[0]}`).waitFor();

  const bar = page.locator("#ws-bulk-form");
  await expect(bar.isHidden()).resolves.toBe(true);
  for (const id of ids.slice(0, 2)) {
    await page.hover(`#conversation-row-${id}`);
    await page.check(`#conversation-row-${id} .ws-row-check`);
  }
  await expect(page.locator("[data-bulk-count]").textContent()).resolves.toBe("2 selected");
  await page.screenshot({ path: join(SCREENSHOTS, "workspace-bulk.png") });
  await page.click('#ws-bulk-form button[value="resolve"]');
  await page.locator("#ws-bulk-result", { hasText: "Resolved 2 conversations." }).waitFor();
  expect((await status(ids[0]!)).status).toBe("resolved");
  expect((await status(ids[1]!)).status).toBe("resolved");
  expect((await status(ids[2]!)).status).toBe("open");
  // The open list follows: the resolved ones leave it; the selection is gone.
  await page.locator(`#conversation-row-${ids[0]}`).waitFor({ state: "detached" });
  await expect(page.locator(".ws-row-check:checked").count()).resolves.toBe(0);

  await page.hover(`#conversation-row-${ids[2]}`);
  await page.check(`#conversation-row-${ids[2]} .ws-row-check`);
  await page.selectOption("#ws-bulk-assignee", String(admin.user.id));
  await page.click('#ws-bulk-form button[value="assign"]');
  await page.locator("#ws-bulk-result", { hasText: "Assigned 1 conversation." }).waitFor();
  expect((await status(ids[2]!)).meta.assignee.id).toBe(admin.user.id);
  expect(problems).toEqual([]);
  await page.close();
}, 60_000);
