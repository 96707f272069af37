import type { TestServer } from "../testing/server.ts";

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
  async post(
    path: string,
    fields: Record<string, string> = {},
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
