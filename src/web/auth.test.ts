import { afterEach, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../testing/server.ts";
import { onboard, PASSWORD, WebClient } from "./test-client.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("first run", () => {
  test("every dashboard page leads to onboarding until the first user exists; then onboarding is gone", async () => {
    server = startTestServer();
    const visitor = new WebClient(server);
    for (const path of ["/", "/app", "/app/login", "/app/accounts/1/dashboard", "/app/anything/else"]) {
      const res = await visitor.get(path);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/app/onboarding");
    }
    const { html } = await visitor.page("/app/onboarding");
    expect(html).toContain("Welcome to Parley");

    const weak = await visitor.post("/app/onboarding", { name: "Olivia", email: "owner@example.com", password: "short", account_name: "Acme" });
    expect(weak.status).toBe(422);
    const weakHtml = await weak.text();
    expect(weakHtml).toContain("Must be at least 8 characters");
    expect(weakHtml).toContain('value="owner@example.com"');

    const done = await visitor.post("/app/onboarding", { name: "Olivia Owner", email: "owner@example.com", password: PASSWORD, account_name: "Acme" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/app");
    expect(visitor.cookies.get("parley_session")).toBeTruthy();
    const app = await visitor.get("/app");
    expect(app.headers.get("location")).toMatch(/^\/app\/accounts\/\d+\/dashboard$/);
    const dashboard = await visitor.page(app.headers.get("location")!);
    expect(dashboard.res.status).toBe(200);
    expect(dashboard.html).toContain("Acme");
    expect(dashboard.html).toContain("Olivia Owner");

    // one time only
    expect((await visitor.get("/app/onboarding")).status).toBe(404);
    expect((await new WebClient(server).get("/app/onboarding")).status).toBe(404);
    const again = await visitor.post("/app/onboarding", { name: "Mallory", email: "m@example.com", password: PASSWORD, account_name: "Evil" });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("Page not found");
    expect((await new WebClient(server).get("/app")).headers.get("location")).toBe("/app/login");
  });
});

describe("login", () => {
  test("wrong credentials show an inline error; repeated failures answer 429 with the wait", async () => {
    server = startTestServer();
    const { email } = await onboard(server);
    const visitor = new WebClient(server);
    await visitor.page("/app/login");
    for (let i = 0; i < 5; i++) {
      const res = await visitor.post("/app/login", { email, password: "Wrong-passw0rd" });
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain("Invalid email or password");
      expect(html).toContain(`value="${email}"`);
    }
    const blocked = await visitor.post("/app/login", { email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await blocked.text()).toContain("Too many attempts, try again in 15 minutes.");
    expect(visitor.cookies.get("parley_session")).toBeUndefined();
  });

  test("the right credentials open a session; a logged-in visitor skips the form; the SSO error is explained", async () => {
    server = startTestServer();
    const { email } = await onboard(server);
    const visitor = new WebClient(server);
    expect((await visitor.page("/app/login?error=sso")).html).toContain("That sign-in link is invalid or was already used");
    const res = await visitor.post("/app/login", { email: email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/app");
    const session = res.headers.getSetCookie().find((c) => c.startsWith("parley_session="))!;
    expect(session).toContain("HttpOnly");
    expect(session).toContain("SameSite=Lax");
    expect(session).not.toContain("Secure");
    expect((await visitor.get("/app/login")).headers.get("location")).toBe("/app");
  });

  test("session cookies are Secure behind an https public URL", async () => {
    server = startTestServer({ PARLEY_PUBLIC_URL: "https://support.example.com" });
    const visitor = new WebClient(server);
    const res = await visitor.get("/app/onboarding");
    expect(res.headers.getSetCookie().find((c) => c.startsWith("parley_csrf="))).toContain("Secure");
  });
});

describe("logout", () => {
  test("destroys the session: the old cookie no longer opens the dashboard", async () => {
    server = startTestServer();
    const { client, dashboard } = await onboard(server);
    const oldSession = client.cookies.get("parley_session")!;
    await client.page(dashboard);
    const res = await client.post("/app/logout");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/app/login");
    expect(client.cookies.get("parley_session")).toBeUndefined();
    expect((await client.get(dashboard)).headers.get("location")).toBe("/app/login");

    const replay = new WebClient(server);
    replay.cookies.set("parley_session", oldSession);
    expect((await replay.get(dashboard)).headers.get("location")).toBe("/app/login");
  });
});

describe("password reset", () => {
  test("request by form, read the link in the outbox as an administrator, set a new password, and the link dies", async () => {
    server = startTestServer();
    const { client: admin, email, accountPath } = await onboard(server);
    const visitor = new WebClient(server);

    await visitor.page("/app/auth/password");
    const unknown = await visitor.post("/app/auth/password", { email: "nobody@example.com" });
    const sameAnswer = "If the address exists, we sent a link to reset the password.";
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain(sameAnswer);
    const known = await visitor.post("/app/auth/password", { email });
    expect(known.status).toBe(200);
    expect(await known.text()).toContain(sameAnswer);

    // the administrator reads the mail on the outbox page (no SMTP configured)
    const outbox = await admin.page(`${accountPath}/settings/outbox`);
    expect(outbox.res.status).toBe(200);
    expect(outbox.html).toContain("SMTP is not configured");
    expect(outbox.html).toContain("Reset your Parley password");
    expect(outbox.html).not.toContain("nobody@example.com");
    const mailHref = /href="([^"]+\?mail=\d+)"/.exec(outbox.html)![1];
    const mail = await admin.page(mailHref);
    const body = /<pre class="reader-body"[^>]*>([\s\S]*?)<\/pre>/.exec(mail.html)![1];
    const link = new URL(/https?:\/\/\S+\/app\/auth\/password\/edit\?reset_password_token=[^\s<]+/.exec(body)![0].replaceAll("&amp;", "&"));
    const editPath = link.pathname + link.search;

    const form = await visitor.page(editPath);
    expect(form.html).toContain("Choose a new password");
    const token = link.searchParams.get("reset_password_token")!;
    const mismatch = await visitor.post("/app/auth/password/edit", { reset_password_token: token, password: "N3w-Passw0rd!", password_confirmation: "other" });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("Doesn&#39;t match the new password");

    const done = await visitor.post("/app/auth/password/edit", { reset_password_token: token, password: "N3w-Passw0rd!", password_confirmation: "N3w-Passw0rd!" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/app/login?reset=done");
    expect((await visitor.page("/app/login?reset=done")).html).toContain("Your password was changed");

    // the reset ended every session, the old password fails, the new one works
    expect((await admin.get(`${accountPath}/dashboard`)).headers.get("location")).toBe("/app/login");
    expect((await visitor.post("/app/login", { email, password: PASSWORD })).status).toBe(401);
    expect((await visitor.post("/app/login", { email, password: "N3w-Passw0rd!" })).status).toBe(302);

    // the link cannot be used twice
    const other = new WebClient(server);
    await other.page(editPath);
    const reuse = await other.post("/app/auth/password/edit", { reset_password_token: token, password: "Th1rd-Passw0rd!", password_confirmation: "Th1rd-Passw0rd!" });
    expect(reuse.status).toBe(422);
    expect(await reuse.text()).toContain("This link is invalid or was already used");
  });

  test("a forged or malformed link is refused up front", async () => {
    server = startTestServer();
    await onboard(server);
    const visitor = new WebClient(server);
    const { html } = await visitor.page("/app/auth/password/edit?reset_password_token=not-a-token");
    expect(html).toContain("This reset link cannot be used");
    expect(html).not.toContain('name="password"');
  });
});
