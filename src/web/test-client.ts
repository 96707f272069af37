import { createAdmin, createAgent, TEST_PLATFORM_TOKEN, type TestServer } from "../testing/server.ts";

/**
 * A tiny browser for route tests: keeps cookies, follows nothing by itself, sends Origin on posts like a
 * browser does, and reads the CSRF token out of the page it last loaded.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf = "";
  lastHtml = "";

  constructor(readonly server: Pick<TestServer, "url">) {}

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.server.url + path, { redirect: "manual", headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  /** GET and read the page; remembers the form's CSRF token. */
  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.get(path);
    const html = await res.text();
    this.lastHtml = html;
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { res, html };
  }

  /** A form post as a browser sends it: urlencoded body, _csrf field, Origin header. */
  /** Fields as a record, or as pairs where a name repeats (a checkbox group). */
  async post(
    path: string,
    fields: Record<string, string> | [string, string][] = {},
    opts: { csrf?: string | null; origin?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = new URLSearchParams(fields);
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf !== null) body.set("_csrf", csrf);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", cookie: this.cookieHeader(), ...opts.headers };
    const origin = opts.origin === undefined ? this.server.url : opts.origin;
    if (origin !== null) headers.origin = origin;
    const res = await fetch(this.server.url + path, { method: "POST", redirect: "manual", headers, body });
    this.remember(res);
    return res;
  }
}

export const PASSWORD = "Passw0rd!long";

/** Completes onboarding through the form; returns the client (logged in) and the new account's dashboard path. */
export async function onboard(server: Pick<TestServer, "url">, input: { email?: string; password?: string } = {}) {
  const client = new WebClient(server);
  await client.page("/app/onboarding");
  const email = input.email ?? "owner@example.com";
  const res = await client.post("/app/onboarding", { name: "Olivia Owner", email, password: input.password ?? PASSWORD, account_name: "Acme" });
  if (res.status !== 302) throw new Error(`onboarding failed: ${res.status} ${await res.text()}`);
  const dashboard = (await client.get("/app")).headers.get("location") ?? "";
  return { client, email, dashboard, accountPath: dashboard.replace(/\/dashboard$/, "") };
}

/** Signs in through the login form (loading it first, for its CSRF token); throws unless the form redirects. */
export async function login(server: Pick<TestServer, "url">, email: string, password = PASSWORD): Promise<WebClient> {
  const client = new WebClient(server);
  await client.page("/app/login");
  const res = await client.post("/app/login", { email, password });
  if (res.status !== 302) throw new Error(`login of ${email} failed: ${res.status}`);
  return client;
}

/** The signed-in user's API access token, read from their profile settings page. */
export async function tokenFromProfile(client: WebClient, accountPath: string): Promise<string> {
  const { html } = await client.page(`${accountPath}/settings/profile`);
  const tag = /<[^>]*data-testid="access-token"[^>]*>/.exec(html)?.[0] ?? "";
  const token = /data-value="([^"]+)"/.exec(tag)?.[1];
  if (!token) throw new Error("no access token on the profile page");
  return token;
}

/** An account's Application API with one token: `api(method, path, json)` → {status, body} (the parsed JSON, or null). */
export function accountApi(server: Pick<TestServer, "api">, accountId: number, token: string) {
  return async (method: string, path: string, json?: unknown) => {
    const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/**
 * A new account for a settings test: an administrator and an agent (made through the Platform and agents APIs),
 * each signed in through the login form, the account's dashboard path and its API as the administrator.
 */
export async function settingsKit(server: TestServer, input: { adminName?: string; agentName?: string } = {}) {
  const admin = await createAdmin(server, input.adminName ? { name: input.adminName } : {});
  const agent = await createAgent(server, admin, { name: input.agentName ?? "Agnes Agent" });
  const accountId = admin.account.id as number;
  return {
    admin,
    agent,
    accountId,
    accountPath: `/app/accounts/${accountId}`,
    adminWeb: await login(server, admin.email, admin.password),
    agentWeb: await login(server, agent.email, agent.password),
    api: accountApi(server, accountId, admin.token),
  };
}

/**
 * A member added straight through the Platform API (user + account_users, no invitation mail), signed in through
 * the form. The email is made up unless given.
 */
export async function platformMember(server: TestServer, accountId: number, input: { role?: "agent" | "administrator"; email?: string; name?: string } = {}) {
  const role = input.role ?? "agent";
  const email = input.email ?? `${role}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const platform = (path: string, json: unknown) => server.api(`/platform/api/v1${path}`, { method: "POST", token: TEST_PLATFORM_TOKEN, json });
  const user = await (await platform("/users", { name: input.name ?? `${role} user`, email, password: PASSWORD })).json();
  await platform(`/accounts/${accountId}/account_users`, { user_id: user.id, role });
  return login(server, email);
}

export type SettingsKit = Awaited<ReturnType<typeof settingsKit>>;
