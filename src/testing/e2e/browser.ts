// Shared set-up of the browser tests: Debian's Chromium driven by playwright-core, and the first-run steps.
import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "../server.ts";

const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(import.meta.dir, "../../../.test-artifacts");
/**
 * Where the browser tests put their screenshots of each page: the committed docs/screenshots when
 * PARLEY_UPDATE_SCREENSHOTS=1 (to refresh them), otherwise the test artifacts, so a test run leaves the tree clean.
 */
export const SCREENSHOTS = process.env.PARLEY_UPDATE_SCREENSHOTS === "1" ? join(import.meta.dir, "../../../docs/screenshots") : join(ARTIFACTS, "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });
export const PASSWORD = "Passw0rd!long";

/**
 * playwright-core runs in-process here, and under Bun the events of a page's WebSocket (/cable) can reach the client
 * after it has disposed of that socket or its page (a navigation closed them). Playwright then throws "Cannot find
 * object …" from its message dispatch, which fails whatever test is running. Those late events are about objects
 * nobody can observe any more: they are dropped, and every other message is dispatched as before.
 */
function dropLateWebSocketEvents(): void {
  const connection = (chromium as unknown as { _connection?: { dispatch(message: { guid?: string; params?: { guid?: string } }): void } })._connection;
  if (!connection) return;
  const dispatch = connection.dispatch.bind(connection);
  connection.dispatch = (message) => {
    try {
      dispatch(message);
    } catch (err) {
      const aboutWebSocket = message.guid?.startsWith("ws@") || message.params?.guid?.startsWith("ws@");
      if (aboutWebSocket && /^Cannot find (parent )?object/.test((err as Error).message)) return;
      throw err;
    }
  };
}
dropLateWebSocketEvents();

/** No skipping: without a browser the tests fail (.ci/run installs Debian's chromium). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * The usual browser-test file: a test server (started with these arguments) and a browser, both ready before the
 * file's tests and closed after them. Read `suite.server` and `suite.browser` inside tests and hooks.
 */
export function browserSuite(...args: Parameters<typeof startTestServer>): { readonly server: TestServer; readonly browser: Browser } {
  const suite = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    suite.server = startTestServer(...args);
    suite.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** Collects script errors and CSP violations: the dashboard must run under its own policy. */
export function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(err.message));
  return problems;
}

/** Completes the onboarding form (the page must show it) and returns the new account's dashboard base URL. */
export async function submitOnboarding(page: Page, input: { name: string; account: string; email: string }) {
  await page.fill("#f-name", input.name);
  await page.fill("#f-account_name", input.account);
  await page.fill("#f-email", input.email);
  await page.fill("#f-password", PASSWORD);
  await Promise.all([page.waitForURL(/\/app\/accounts\/\d+\/dashboard$/), page.click("button[type=submit]")]);
  const accountBase = page.url().replace(/\/dashboard$/, "");
  return { accountBase, accountId: Number(accountBase.split("/").pop()) };
}

/** The signed-in user's API token, read from the profile settings page. */
export async function apiTokenFromProfile(page: Page, accountBase: string): Promise<string> {
  await page.goto(`${accountBase}/settings/profile`);
  return (await page.locator('[data-testid="access-token"]').first().getAttribute("data-value")) ?? "";
}

/**
 * A page's screenshot: the viewport to SCREENSHOTS/<name>.png and the whole page to the artifacts (<name>-full.png).
 * Chromium sometimes answers "Unable to capture screenshot" on a loaded machine: one retry, then the run goes on
 * without that picture (screenshots are for review; the assertions are elsewhere).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const capture = (options: Parameters<Page["screenshot"]>[0]) =>
    page.screenshot(options).catch(() => Bun.sleep(500).then(() => page.screenshot(options)).catch(() => undefined));
  await capture({ path: join(SCREENSHOTS, `${name}.png`) });
  await capture({ path: join(ARTIFACTS, `${name}-full.png`), fullPage: true });
}

/**
 * Settings → Automation's rule form, as a user fills it: name, description, event and one condition through the
 * condition builder. Returns the form, the action builder and `addAction`, which adds an action row and picks its name.
 */
export async function fillAutomationRule(
  page: Page,
  rule: { name: string; description: string; event: string; condition: { attribute: string; operator: string; value: string } },
) {
  const form = page.locator("#automation-rule-form");
  await form.locator("#f-name").fill(rule.name);
  await form.locator("#f-description").fill(rule.description);
  await form.locator("#f-event_name").selectOption(rule.event);
  const conditions = form.locator('[data-builder="conditions"]');
  await conditions.locator("[data-builder-add]").click();
  const condition = conditions.locator("[data-builder-rows] > [data-builder-row]").last();
  await condition.locator('[data-role="attribute_key"]').selectOption(rule.condition.attribute);
  await condition.locator('[data-role="filter_operator"]').selectOption(rule.condition.operator);
  await condition.locator('[data-editor="text"] input').fill(rule.condition.value);
  const actions = form.locator('[data-builder="actions"]');
  return { form, actions, addAction: actionAdder(actions) };
}

/** An action builder (rules, macros): adds a row and picks its action name; returns the row. */
export function actionAdder(actions: Locator): (name: string) => Promise<Locator> {
  return async (name) => {
    await actions.locator("[data-builder-add]").click();
    const row = actions.locator("[data-builder-rows] > [data-builder-row]").last();
    await row.locator('[data-role="action_name"]').selectOption(name);
    return row;
  };
}
