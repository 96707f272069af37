// Settings → Webhooks through the dashboard's forms, as a browser posts them (checkboxes as repeated fields).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startReceiver, type Receiver } from "../testing/receiver.ts";
import { startTestServer, type TestServer } from "../testing/server.ts";
import { accountApi, onboard, platformMember, tokenFromProfile, type WebClient } from "./test-client.ts";

let server: TestServer;
let receiver: Receiver;
let owner: WebClient;
let accountPath: string;
let accountId: number;
let ownerToken: string;
let api: ReturnType<typeof accountApi>;

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  receiver = startReceiver();
  ({ client: owner, accountPath } = await onboard(server));
  accountId = Number(accountPath.split("/").pop());
  ownerToken = await tokenFromProfile(owner, accountPath);
  api = accountApi(server, accountId, ownerToken);
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

describe("Settings → Webhooks", () => {
  test("create with event checkboxes, see the secret, rotate it, edit, see deliveries, redeliver with htmx, delete", async () => {
    const list = await owner.page(`${accountPath}/settings/webhooks`);
    expect(list.res.status).toBe(200);
    expect(list.html).toContain("No webhooks yet");
    expect(list.html).toContain('value="conversation_typing_on"');

    const created = await owner.post(`${accountPath}/settings/webhooks`, [
      ["name", "CRM"],
      ["url", `${receiver.url}/crm`],
      ["subscriptions", "contact_created"],
      ["subscriptions", "message_created"],
    ]);
    expect(created.status).toBe(303);
    const location = created.headers.get("location")!;
    const id = Number(/webhooks\/(\d+)\?saved=created$/.exec(location)![1]);
    const hook = (await api("GET", "/webhooks")).body.payload.webhooks.find((w: any) => w.id === id);
    expect(hook).toMatchObject({ name: "CRM", url: `${receiver.url}/crm`, subscriptions: ["contact_created", "message_created"] });
    let detail = await owner.page(location);
    expect(detail.html).toContain("Webhook created");
    expect(detail.html).toContain(hook.secret);
    expect(detail.html).toContain("No deliveries yet");

    expect((await owner.post(`${accountPath}/settings/webhooks/${id}/rotate`)).status).toBe(303);
    const rotated = (await api("GET", "/webhooks")).body.payload.webhooks.find((w: any) => w.id === id);
    expect(rotated.secret).not.toBe(hook.secret);
    detail = await owner.page(`${accountPath}/settings/webhooks/${id}?saved=rotated`);
    expect(detail.html).toContain(rotated.secret);
    expect(detail.html).not.toContain(hook.secret);

    await api("POST", "/contacts", { name: "Logged Contact" });
    await server.runner.runUntilEmpty();
    detail = await owner.page(`${accountPath}/settings/webhooks/${id}`);
    expect(detail.html).toContain("contact_created");
    expect(detail.html).toContain("succeeded");
    const deliveryId = Number(/data-delivery-id="(\d+)"/.exec(detail.html)![1]);

    const before = receiver.requests.length;
    const re = await owner.post(`${accountPath}/settings/webhooks/${id}/deliveries/${deliveryId}/redeliver`, [], { headers: { "hx-request": "true" } });
    expect(re.status).toBe(200);
    const fragmentHtml = await re.text();
    expect(fragmentHtml).toContain('id="delivery-log"');
    expect(fragmentHtml).not.toContain("<html");
    await server.runner.runUntilEmpty();
    expect(receiver.requests.length).toBe(before + 1);
    expect(receiver.requests.at(-1)!.headers["x-chatwoot-delivery"]).toBe(receiver.requests[before - 1].headers["x-chatwoot-delivery"]);

    // Edit: untick everything but message_created, disable.
    const saved = await owner.post(`${accountPath}/settings/webhooks/${id}`, [
      ["name", "CRM 2"],
      ["url", `${receiver.url}/crm`],
      ["subscriptions", "message_created"],
    ]);
    expect(saved.status).toBe(303);
    expect((await api("GET", "/webhooks")).body.payload.webhooks.find((w: any) => w.id === id)).toMatchObject({ name: "CRM 2", subscriptions: ["message_created"], enabled: false });

    expect((await owner.post(`${accountPath}/settings/webhooks/${id}/delete`)).status).toBe(303);
    expect((await api("GET", "/webhooks")).body.payload.webhooks).toEqual([]);
  });

  test("invalid input is shown inline with the values kept (422)", async () => {
    await owner.page(`${accountPath}/settings/webhooks`);
    const res = await owner.post(`${accountPath}/settings/webhooks`, [
      ["name", "Bad"],
      ["url", "ftp://nope.example/x"],
      ["subscriptions", "message_created"],
    ]);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("ftp://nope.example/x");
    expect(html).toContain("Must be an http or https URL.");
    const none = await owner.post(`${accountPath}/settings/webhooks`, [["url", "https://example.com/x"]]);
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("Can&#39;t be blank.");
  });

  test("agents get 403; a post without the CSRF token is refused", async () => {
    const agent = await platformMember(server, accountId);
    expect((await agent.page(`${accountPath}/settings/webhooks`)).res.status).toBe(403);
    expect((await agent.page(`${accountPath}/settings/profile`)).html).not.toContain("settings/webhooks");
    expect((await agent.post(`${accountPath}/settings/webhooks`, [["url", "https://example.com/agent"], ["subscriptions", "message_created"]])).status).toBe(403);

    await owner.page(`${accountPath}/settings/webhooks`);
    const forged = await owner.post(`${accountPath}/settings/webhooks`, { url: "https://example.com/forged", subscriptions: "message_created" }, { csrf: null });
    expect(forged.status).toBe(403);
    expect((await api("GET", "/webhooks")).body.payload.webhooks).toEqual([]);
  });
});
