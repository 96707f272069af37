import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../../testing/server.ts";

let server: TestServer;
beforeAll(() => {
  server = startTestServer();
});
afterAll(() => server.close());

describe("notification settings", () => {
  test("show the defaults, update each medium, and keep them per user", async () => {
    const admin = await createAdmin(server);
    const agent = await createAgent(server, admin);
    const path = `/api/v1/accounts/${admin.account.id}/notification_settings`;

    const shown = await (await server.api(path, { token: admin.token })).json();
    // Defaults: assignments by email (Chatwoot's); in the app everything but new conversations (docs/decisions.md).
    expect(shown).toMatchObject({ user_id: admin.user.id, account_id: admin.account.id, id: null, selected_email_flags: ["email_conversation_assignment"] });
    expect(shown.selected_push_flags).toEqual(shown.all_push_flags.filter((f: string) => f !== "push_conversation_creation"));
    expect(shown.all_email_flags).toContain("email_conversation_mention");
    expect(shown.all_push_flags).toContain("push_sla_missed_resolution");

    const res = await server.api(path, {
      token: admin.token,
      method: "PATCH",
      json: { notification_settings: { selected_email_flags: ["email_conversation_mention", "email_conversation_creation"] } },
    });
    expect(res.status).toBe(200);
    const updated = await res.json();
    expect(updated.id).toEqual(expect.any(Number));
    // Stored in Chatwoot's flag order; the untouched medium keeps its flags.
    expect(updated.selected_email_flags).toEqual(["email_conversation_creation", "email_conversation_mention"]);
    expect(updated.selected_push_flags).toEqual(shown.selected_push_flags);

    const pushOff = await server.api(path, { token: admin.token, method: "PUT", json: { selected_push_flags: [] } });
    expect((await pushOff.json()).selected_push_flags).toEqual([]);
    expect((await (await server.api(path, { token: admin.token })).json()).selected_email_flags).toEqual(["email_conversation_creation", "email_conversation_mention"]);

    // Another user's settings are their own.
    expect((await (await server.api(path, { token: agent.token })).json()).selected_email_flags).toEqual(["email_conversation_assignment"]);
  });

  test("unknown flags are refused naming the field", async () => {
    const admin = await createAdmin(server);
    const res = await server.api(`/api/v1/accounts/${admin.account.id}/notification_settings`, {
      token: admin.token,
      method: "PATCH",
      json: { notification_settings: { selected_email_flags: ["email_everything"] } },
    });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("selected_email_flags");
  });

  test("another account's settings are out of reach", async () => {
    const admin = await createAdmin(server);
    const other = await createAdmin(server);
    const res = await server.api(`/api/v1/accounts/${other.account.id}/notification_settings`, { token: admin.token });
    expect([401, 403, 404]).toContain(res.status);
  });
});
