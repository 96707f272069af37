import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { startServer, type RunningServer, type StartOptions } from "../server.ts";

export const TEST_PLATFORM_TOKEN = "test-platform-token-0123456789";

export type ApiInit = RequestInit & { token?: string; json?: unknown };

/** A client like an integrator's: paths relative to the server, the API token header, JSON bodies, no redirects followed. */
export type ApiClient = { api(path: string, init?: ApiInit): Promise<Response> };

export function apiClient(baseUrl: string): ApiClient {
  return {
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.token) headers.set("api_access_token", init.token);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set("content-type", "application/json");
        body = JSON.stringify(init.json);
      }
      return fetch(baseUrl + path, { ...init, headers, body, redirect: init.redirect ?? "manual" });
    },
  };
}

export type TestServer = RunningServer &
  ApiClient & {
    dataDir: string;
    close(): Promise<void>;
  };

/** The real app on a free port with a fresh temporary data dir. */
export function startTestServer(env: Record<string, string> = {}, options: StartOptions = {}): TestServer {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-test-"));
  const config = loadConfig({
    PORT: "0",
    PARLEY_DATA_DIR: dataDir,
    PARLEY_LOG_LEVEL: "silent",
    PARLEY_PLATFORM_TOKEN: TEST_PLATFORM_TOKEN,
    // Test receivers listen on 127.0.0.1 (allowed by default; PARLEY_WEBHOOK_BLOCK_PRIVATE=1 refuses it).
    ...env,
  });
  const server = startServer(config, { checkpointer: false, webhookThread: false, ...options });
  // PARLEY_PUBLIC_URL defaults to port 0 here; links are built from config.publicUrl, so tests that follow links
  // pass PARLEY_PUBLIC_URL explicitly or rewrite the origin.
  return {
    ...server,
    dataDir,
    ...apiClient(server.url),
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an account and an administrator through the Platform API; returns the user's API token. */
export async function createAdmin(server: ApiClient, input: { email?: string; name?: string; accountName?: string; password?: string } = {}) {
  const platform = { token: TEST_PLATFORM_TOKEN };
  const account = await (await server.api("/platform/api/v1/accounts", { ...platform, method: "POST", json: { name: input.accountName ?? "Acme" } })).json();
  const email = input.email ?? `admin-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = input.password ?? "Passw0rd!long";
  const user = await (
    await server.api("/platform/api/v1/users", { ...platform, method: "POST", json: { name: input.name ?? "Ada Admin", email, password } })
  ).json();
  await server.api(`/platform/api/v1/accounts/${account.id}/account_users`, { ...platform, method: "POST", json: { user_id: user.id, role: "administrator" } });
  return { account, user, email, password, token: user.access_token as string };
}

/**
 * A verified user who joins the admin's account through the agents API (POST /agents as the administrator),
 * with the given role or custom role. The user is provisioned through the Platform API first, so they have a
 * password and an API token without going through the invitation email.
 */
export async function createAgent(
  server: ApiClient,
  admin: { account: { id: number }; token: string },
  input: { role?: "agent" | "administrator"; customRoleId?: number; name?: string; email?: string; password?: string } = {},
) {
  const email = input.email ?? `agent-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = input.password ?? "Passw0rd!long";
  const name = input.name ?? "Alan Agent";
  const userRes = await server.api("/platform/api/v1/users", { token: TEST_PLATFORM_TOKEN, method: "POST", json: { name, email, password } });
  if (userRes.status !== 200) throw new Error(`createAgent: platform user ${userRes.status} ${await userRes.text()}`);
  const user = await userRes.json();
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/agents`, {
    token: admin.token,
    method: "POST",
    json: { name, email, role: input.role ?? "agent", ...(input.customRoleId ? { custom_role_id: input.customRoleId } : {}) },
  });
  if (res.status !== 200) throw new Error(`createAgent: ${res.status} ${await res.text()}`);
  return { user: { ...user, ...(await res.json()) }, token: user.access_token as string, email, password };
}
