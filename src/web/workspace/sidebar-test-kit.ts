// Fixtures for the sidebar and dashboard-app route tests: an administrator (browser session + API token),
// agents who log in through the form, inboxes, contacts and conversations made through the public API.
import { createAdmin, createAgent, TEST_PLATFORM_TOKEN, type TestServer } from "../../testing/server.ts";
import { WebClient } from "../test-client.ts";

export type Kit = Awaited<ReturnType<typeof setUpKit>>;

async function login(server: TestServer, email: string, password: string) {
  const client = new WebClient(server);
  await client.page("/app/login");
  const res = await client.post("/app/login", { email, password });
  if (res.status !== 302) throw new Error(`login ${res.status}`);
  return client;
}

export async function setUpKit(server: TestServer) {
  const admin = await createAdmin(server, { name: "Olivia Owner" });
  const accountId = admin.account.id as number;
  const accountPath = `/app/accounts/${accountId}`;
  const owner = await login(server, admin.email, admin.password);
  await owner.page(`${accountPath}/dashboard`);
  const ownerToken = admin.token;
  const ownerId = admin.user.id as number;

  const api = async (method: string, path: string, json?: unknown) => {
    const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token: ownerToken, json });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  async function agent(name: string, role: "agent" | "administrator" = "agent") {
    const made = await createAgent(server, { account: { id: accountId }, token: ownerToken }, { name, role });
    const client = await login(server, made.email, made.password);
    return { id: made.user.id as number, email: made.email, token: made.token, client };
  }

  async function inbox(name: string, memberIds: number[] = []) {
    const created = await api("POST", "/inboxes", { name, channel: { type: "api" } });
    if (memberIds.length) await api("POST", "/inbox_members", { inbox_id: created.id, user_ids: memberIds });
    return created as { id: number; name: string };
  }

  async function conversation(inboxId: number, contact: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const made = await api("POST", "/contacts", { inbox_id: inboxId, ...contact });
    const conv = await api("POST", "/conversations", { source_id: made.payload.contact_inbox.source_id, inbox_id: inboxId, ...extra });
    return { contactId: made.payload.contact.id as number, displayId: conv.id as number };
  }

  return { owner, accountPath, accountId, ownerToken, ownerId, api, agent, inbox, conversation, platformToken: TEST_PLATFORM_TOKEN };
}
