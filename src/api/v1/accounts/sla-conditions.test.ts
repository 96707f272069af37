// The automation condition sla_policy_id (Chatwoot EE's condition attribute): rules can match conversations under
// a given SLA policy.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAdmin, startTestServer, type TestServer } from "../../../testing/server.ts";
import { accountPath, caller, createApiInbox, startConversation, type Admin } from "./conversation-test-kit.ts";

let server: TestServer;
let admin: Admin;
let call: ReturnType<typeof caller>;
let inbox: { id: number };
const path = (rest = "") => accountPath(admin.account.id, rest);

beforeAll(async () => {
  server = startTestServer({}, { startJobs: false });
  call = caller(server);
  admin = await createAdmin(server);
  inbox = await createApiInbox(server, admin, { enable_auto_assignment: false });
});
afterAll(() => server.close());

test("the sla_policy_id condition matches conversations under a policy, and names a bad value", async () => {
  const p = (await call(admin.token, "POST", path("/sla_policies"), { name: "Gold", resolution_time_threshold: 86400 })).body.payload;
  await call(admin.token, "POST", path("/labels"), { title: "has-sla" });
  const rule = await call(admin.token, "POST", path("/automation_rules"), {
    name: "Label SLA conversations",
    event_name: "conversation_updated",
    conditions: [{ attribute_key: "sla_policy_id", filter_operator: "equal_to", values: [p.id], query_operator: null }],
    actions: [{ action_name: "add_label", action_params: ["has-sla"] }],
  });
  expect(rule.status).toBe(200);
  const bad = await call(admin.token, "POST", path("/automation_rules"), {
    name: "Bad",
    event_name: "conversation_updated",
    conditions: [{ attribute_key: "sla_policy_id", filter_operator: "contains", values: ["x"], query_operator: null }],
    actions: [{ action_name: "add_label", action_params: ["has-sla"] }],
  });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].field).toMatch(/^conditions\[0\]/);

  const plain = await startConversation(server, admin, inbox.id);
  await call(admin.token, "POST", path(`/conversations/${plain.id}/toggle_priority`), { priority: "low" });
  const c = await startConversation(server, admin, inbox.id);
  expect((await call(admin.token, "PATCH", path(`/conversations/${c.id}`), { sla_policy_id: p.id })).status).toBe(200);
  await server.runner.runUntilEmpty();
  const labelsOf = async (id: number) => (await call(admin.token, "GET", path(`/conversations/${id}`))).body.labels as string[];
  expect(await labelsOf(c.id)).toContain("has-sla");
  expect(await labelsOf(plain.id)).not.toContain("has-sla");
});
