import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PermanentFailure } from "../jobs/errors.ts";
import { enqueue } from "../jobs/queue.ts";
import { startTestServer, type TestServer } from "../testing/server.ts";
import { login, onboard, PASSWORD, platformMember, WebClient } from "./test-client.ts";

let server: TestServer;
let owner: WebClient;
let accountPath: string;
let ownerEmail: string;

/** A member of the owner's account, logged in through the form. */
const member = (role: "agent" | "administrator", email: string) => platformMember(server, Number(accountPath.split("/").pop()), { role, email });

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false, extraHandlers: { "test.explode": () => Promise.reject(new PermanentFailure("boom: upstream said 500")) } });
  ({ client: owner, accountPath, email: ownerEmail } = await onboard(server));
});
afterAll(() => server.close());

describe("profile", () => {
  test("name, display name and email are saved; a blank name is refused inline", async () => {
    const path = `${accountPath}/settings/profile`;
    await owner.page(path);
    const blank = await owner.post(path, { name: " ", display_name: "Kept", email: ownerEmail });
    expect(blank.status).toBe(422);
    const blankHtml = await blank.text();
    expect(blankHtml).toContain("Can&#39;t be blank");
    expect(blankHtml).toContain('value="Kept"');
    const res = await owner.post(path, { name: "Olivia Owner", display_name: "Liv", email: ownerEmail });
    expect(res.status).toBe(303);
    const { html } = await owner.page(res.headers.get("location")!);
    expect(html).toContain("Profile saved");
    expect(html).toContain('value="Liv"');
    expect(html).toContain('class="user-button-name">Liv<');
  });

  test("password change needs the current password and ends the other sessions", async () => {
    const path = `${accountPath}/settings/profile`;
    const elsewhere = await login(server, ownerEmail);
    expect((await elsewhere.get(`${accountPath}/dashboard`)).status).toBe(200);

    await owner.page(path);
    const wrong = await owner.post(`${path}/password`, { current_password: "nope", password: "N3w-Passw0rd!", password_confirmation: "N3w-Passw0rd!" });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("Is invalid");
    const ok = await owner.post(`${path}/password`, { current_password: PASSWORD, password: "N3w-Passw0rd!", password_confirmation: "N3w-Passw0rd!" });
    expect(ok.status).toBe(303);
    expect((await owner.page(ok.headers.get("location")!)).html).toContain("Password changed");
    expect((await elsewhere.get(`${accountPath}/dashboard`)).headers.get("location")).toBe("/app/login");
    // put it back for the other tests
    await owner.post(`${path}/password`, { current_password: "N3w-Passw0rd!", password: PASSWORD, password_confirmation: PASSWORD });
  });

  test("the access token is shown to its owner and can be reset", async () => {
    const path = `${accountPath}/settings/profile`;
    const tokenOf = (html: string) => /data-value="([^"]+)" data-testid="access-token"/.exec(html)![1];
    const before = tokenOf((await owner.page(path)).html);
    expect((await server.api("/api/v1/profile", { token: before })).status).toBe(200);
    const res = await owner.post(`${path}/access_token`);
    expect(res.status).toBe(303);
    const after = tokenOf((await owner.page(res.headers.get("location")!)).html);
    expect(after).not.toBe(before);
    expect((await server.api("/api/v1/profile", { token: before })).status).toBe(401);
    expect((await server.api("/api/v1/profile", { token: after })).status).toBe(200);
  });
});

describe("outbox", () => {
  test("administrators read the outbox with the SMTP banner; agents may not", async () => {
    const admin = await member("administrator", "admin2@example.com");
    const agent = await member("agent", "agent@example.com");
    const visitor = new WebClient(server);
    await visitor.page("/app/auth/password");
    await visitor.post("/app/auth/password", { email: "agent@example.com" });
    await visitor.post("/app/auth/password", { email: ownerEmail });

    const { res, html } = await admin.page(`${accountPath}/settings/outbox`);
    expect(res.status).toBe(200);
    expect(html).toContain("SMTP is not configured");
    expect(html).toContain("agent@example.com");
    // the installation owner's mail (a SuperAdmin) is not readable by another account's administrator
    expect(html).not.toContain(ownerEmail);
    expect((await owner.page(`${accountPath}/settings/outbox`)).html).toContain(ownerEmail);

    const agentPage = await agent.page(`${accountPath}/settings/outbox`);
    expect(agentPage.res.status).toBe(403);
    expect((await agent.page(`${accountPath}/settings/profile`)).html).not.toContain("Mail outbox");
    expect((await admin.page(`${accountPath}/settings/jobs`)).res.status).toBe(403);
  });

  test("with SMTP configured there is no banner", async () => {
    const smtp = startTestServer({ PARLEY_SMTP_URL: "smtp://127.0.0.1:9" }, { startJobs: false });
    try {
      const { client, accountPath: path } = await onboard(smtp);
      const { html } = await client.page(`${path}/settings/outbox`);
      expect(html).not.toContain("SMTP is not configured");
    } finally {
      await smtp.close();
    }
  });
});

describe("background jobs", () => {
  test("a SuperAdmin sees the counts and dead jobs and can put a dead job back to pending", async () => {
    server.deps.tx((tx) => enqueue(tx, { kind: "test.explode", payload: { n: 1 } }));
    await server.runner.runUntilEmpty();
    const path = `${accountPath}/settings/jobs`;
    const { html } = await owner.page(path);
    expect(html).toMatch(/data-testid="jobs-dead">\s*1\s*</);
    expect(html).toContain("test.explode");
    expect(html).toContain("boom: upstream said 500");
    const jobId = /data-job-id="(\d+)"/.exec(html)![1];

    const res = await owner.post(`${path}/${jobId}/retry`);
    expect(res.status).toBe(303);
    const after = await owner.page(res.headers.get("location")!);
    expect(after.html).toContain(`Job #${jobId} is queued again`);
    expect(after.html).toMatch(/data-testid="jobs-dead">\s*0\s*</);
    expect(after.html).toContain("No dead jobs");
    expect(server.deps.db.$client.query("SELECT status, attempts FROM jobs WHERE id = ?").get(Number(jobId))).toEqual({ status: "pending", attempts: 0 });
    // retrying what is not dead is a 404
    expect((await owner.post(`${path}/${jobId}/retry`)).status).toBe(404);
  });
});
