// Helpers shared by the conversation, message, label and notification API tests. Everything goes
// through the public HTTP API, as a client would.
import { expect } from "bun:test";
import type { TestServer } from "../../../testing/server.ts";

/** Runs due jobs until none is due or running (the background runner may hold one when runUntilEmpty looks). */
export async function drainJobs(server: TestServer): Promise<void> {
  const unsettled = server.deps.db.$client.prepare<{ n: number }, [number]>(
    "SELECT count(*) AS n FROM jobs WHERE status = 'running' OR (status IN ('pending', 'blocked') AND run_at <= ?1)",
  );
  for (let i = 0; i < 400; i++) {
    await server.runner.runUntilEmpty();
    if (unsettled.get(Date.now())!.n === 0) return;
    await Bun.sleep(10);
  }
  throw new Error("jobs did not settle");
}

export type Admin = { account: { id: number }; token: string; user: { id: number } };
export type Reply = { status: number; body: any; headers: Headers };

export function caller(server: TestServer) {
  return async function call(token: string, method: string, path: string, json?: unknown): Promise<Reply> {
    const res = await server.api(path, { token, method, json: method === "GET" || method === "HEAD" ? undefined : json });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, body, headers: res.headers };
  };
}

export const accountPath = (accountId: number, rest = "") => `/api/v1/accounts/${accountId}${rest}`;

export async function createApiInbox(server: TestServer, admin: Admin, input: Record<string, unknown> = {}) {
  const call = caller(server);
  const res = await call(admin.token, "POST", accountPath(admin.account.id, "/inboxes"), {
    name: "API Channel",
    channel: { type: "api", webhook_url: "" },
    ...input,
  });
  expect(res.status).toBe(200);
  return res.body as { id: number; name: string };
}

export async function addInboxMembers(server: TestServer, admin: Admin, inboxId: number, userIds: number[]) {
  const res = await caller(server)(admin.token, "POST", accountPath(admin.account.id, "/inbox_members"), { inbox_id: inboxId, user_ids: userIds });
  expect(res.status).toBe(200);
}

export async function setAvailability(server: TestServer, admin: Admin, userId: number, availability: "online" | "busy" | "offline") {
  const res = await caller(server)(admin.token, "PATCH", accountPath(admin.account.id, `/agents/${userId}`), { availability });
  expect(res.status).toBe(200);
}

/** A contact with a session in the inbox: POST /contacts with inbox_id, as the API-channel article does. */
export async function createContact(server: TestServer, admin: Admin, inboxId: number, name = "Casey Customer") {
  const res = await caller(server)(admin.token, "POST", accountPath(admin.account.id, "/contacts"), {
    name,
    email: `${crypto.randomUUID().slice(0, 8)}@customer.example`,
    inbox_id: inboxId,
  });
  expect(res.status).toBe(200);
  return { contact: res.body.payload.contact as { id: number }, sourceId: res.body.payload.contact_inbox.source_id as string };
}

/** A new conversation in the inbox for a fresh contact; returns its JSON. */
export async function startConversation(server: TestServer, admin: Admin, inboxId: number, extra: Record<string, unknown> = {}, token = admin.token) {
  const { contact } = await createContact(server, admin, inboxId);
  const res = await caller(server)(token, "POST", accountPath(admin.account.id, "/conversations"), { inbox_id: inboxId, contact_id: contact.id, ...extra });
  expect(res.status).toBe(200);
  return res.body;
}
