// Settings → Account, Agents and Teams as a browser uses them (HTML forms, session + CSRF), against the real app.
// The agents page follows the help-center article "How to invite agents and manage your support team?": each
// statement that is visible in the UI is checked here. Mail goes to a real SMTP server.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { startSmtpSink, type SmtpSink } from "../../testing/fixtures/smtp-sink.ts";
import { createAdmin, createAgent, startTestServer, type TestServer } from "../../testing/server.ts";
import { login, onboard, PASSWORD, tokenFromProfile, WebClient } from "../test-client.ts";
import { waitFor } from "../../testing/wait.ts";

// Each test logs several users in (password hashing): generous on a shared, busy machine.
setDefaultTimeout(30_000);

let server: TestServer;
let smtp: SmtpSink;
let owner: WebClient;
let accountPath: string;
let accountId: number;
let ownerToken: string;
let ownerId: number;

const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));
function linkIn(raw: string) {
  const body = raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
  const url = new URL(/https?:\/\/\S+\/app\/auth\/password\/edit\?reset_password_token=[^\s"<]+/.exec(body)![0]);
  return { path: url.pathname + url.search, token: url.searchParams.get("reset_password_token")! };
}

const api = async (method: string, path: string, json?: unknown, token = ownerToken) => {
  const res = await server.api(`/api/v1/accounts/${accountId}${path}`, { method, token, json });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};
const agentsApi = async () => (await api("GET", "/agents")).body as { id: number; email: string; name: string; role: string; confirmed: boolean; availability_status: string; custom_role_id: number | null }[];

/** The <tr> of one agent in the agents table. */
function rowOf(html: string, userId: number): string {
  const m = new RegExp(`<tr data-agent-id="${userId}"[\\s\\S]*?</tr>`).exec(html);
  if (!m) throw new Error(`no row for agent ${userId}`);
  return m[0];
}
const dialogOpen = (html: string, id: string) => new RegExp(`<dialog id="${id}"[^>]*\\sopen(=""|\\s|>)`).test(html);
function dialogHtml(html: string, id: string): string {
  const m = new RegExp(`<dialog id="${id}"[\\s\\S]*?</dialog>`).exec(html);
  if (!m) throw new Error(`no dialog ${id}`);
  return m[0];
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = startTestServer({ PARLEY_SMTP_URL: smtp.url });
  ({ client: owner, accountPath } = await onboard(server));
  accountId = Number(accountPath.split("/").pop());
  ownerToken = await tokenFromProfile(owner, accountPath);
  ownerId = (await agentsApi())[0].id;
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

describe("Settings → Agents (the agents article)", () => {
  test("the list shows each agent's avatar, name, email, role, availability and Verified badge; no delete on your own row", async () => {
    const { res, html } = await owner.page(`${accountPath}/settings/agents`);
    expect(res.status).toBe(200);
    const mine = rowOf(html, ownerId);
    expect(mine).toContain('class="avatar avatar-md');
    expect(mine).toContain("Olivia Owner");
    expect(mine).toContain("owner@example.com");
    expect(mine).toMatch(/data-testid="role">Administrator</);
    expect(mine).toMatch(/data-testid="availability">.*Offline</);
    expect(mine).toContain("Verified");
    expect(mine).toContain('title="Edit"');
    // "Yourself. The delete button is hidden on your own row."
    expect(mine).not.toContain('title="Delete"');
    expect(html).not.toContain(`id="agent-delete-${ownerId}"`);
    // Only one member: the empty state says what to do next.
    expect(html).toContain("just you so far");
    // The article's roles and availability states are explained on the page.
    for (const s of ["Administrator", "Full access", "Online", "Busy", "Offline", "auto-assignment"]) expect(html).toContain(s);
  });

  test("Add Agent opens the 'Add agent to your team' modal: Agent Name, Role (built-in and custom roles), Email Address", async () => {
    const role = await api("POST", "/custom_roles", { name: "Supervisor", description: "Reports and contacts", permissions: ["report_manage", "contact_manage"] });
    expect(role.status).toBe(200);
    const { html } = await owner.page(`${accountPath}/settings/agents`);
    expect(html).toMatch(/id="add-agent"[^>]*data-account-team-dialog="agent-invite"/);
    const modal = dialogHtml(html, "agent-invite");
    expect(modal).toContain("Add agent to your team");
    expect(modal).toContain(">Agent Name<");
    expect(modal).toContain(">Role<");
    expect(modal).toContain(">Email Address<");
    expect(modal).toMatch(/<option value="administrator"[^>]*>Administrator<\/option>/);
    expect(modal).toMatch(/<option value="agent"[^>]*>Agent<\/option>/);
    expect(modal).toContain(`<option value="custom:${role.body.id}">Supervisor</option>`);
    expect(modal).toContain(">Add Agent<");
    // The no-JavaScript fallback: ?modal=invite renders it open.
    expect(dialogOpen(html, "agent-invite")).toBe(false);
    expect(dialogOpen((await owner.page(`${accountPath}/settings/agents?modal=invite`)).html, "agent-invite")).toBe(true);
  });

  test("inviting creates an unconfirmed agent shown as Verification Pending and emails a link; confirming makes them Verified", async () => {
    const email = "nina@example.com";
    const res = await owner.post(`${accountPath}/settings/agents`, { name: "Nina New", email, role: "agent" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${accountPath}/settings/agents?saved=invited`);
    const nina = (await agentsApi()).find((a) => a.email === email)!;
    expect(nina).toMatchObject({ name: "Nina New", role: "agent", confirmed: false });

    const { html } = await owner.page(res.headers.get("location")!);
    expect(html).toContain("Agent added");
    const row = rowOf(html, nina.id);
    expect(row).toContain("Verification Pending");
    expect(row).toContain("Resend");
    expect(html).not.toContain("just you so far");

    const mail = await waitFor("invitation mail", () => mailsTo(email)[0]);
    expect(mail.headers.subject).toContain("Set your Parley password");
    const { path, token } = linkIn(mail.raw);
    const browser = new WebClient(server);
    expect((await browser.page(path)).res.status).toBe(200);
    const done = await browser.post("/app/auth/password/edit", { reset_password_token: token, password: "N3w-Passw0rd!", password_confirmation: "N3w-Passw0rd!" });
    expect(done.status).toBe(302);
    expect(rowOf((await owner.page(`${accountPath}/settings/agents`)).html, nina.id)).toContain("Verified");
    expect(rowOf(owner.lastHtml, nina.id)).not.toContain("Verification Pending");
  });

  test("invite errors come back inline in the reopened modal (422), naming the field; nothing is created", async () => {
    const before = (await agentsApi()).length;
    const blank = await owner.post(`${accountPath}/settings/agents`, { name: "", email: "", role: "agent" });
    expect(blank.status).toBe(422);
    let html = await blank.text();
    expect(dialogOpen(html, "agent-invite")).toBe(true);
    let modal = dialogHtml(html, "agent-invite");
    expect(modal).toMatch(/id="f-name-error">Can(&#39;|')t be blank/);
    expect(modal).toMatch(/id="f-email-error">Can(&#39;|')t be blank/);

    const bad = await owner.post(`${accountPath}/settings/agents`, { name: "Zed", email: "not-an-email", role: "agent" });
    expect(bad.status).toBe(422);
    modal = dialogHtml(await bad.text(), "agent-invite");
    expect(modal).toContain('id="f-email-error"');
    expect(modal).toContain('value="Zed"');

    const role = await owner.post(`${accountPath}/settings/agents`, { name: "Zed", email: "zed@example.com", role: "emperor" });
    expect(role.status).toBe(422);
    expect(dialogHtml(await role.text(), "agent-invite")).toContain('id="f-invite-role-error"');

    const taken = await owner.post(`${accountPath}/settings/agents`, { name: "Olivia again", email: "owner@example.com", role: "agent" });
    expect(taken.status).toBe(422);
    html = await taken.text();
    expect(dialogHtml(html, "agent-invite")).toContain("already a member");
    expect((await agentsApi()).length).toBe(before);
  });

  test("Edit (pencil) opens 'Edit agent': name, role incl. custom roles, availability; Update saves; Reset Password emails a link", async () => {
    const agent = await createAgent(server, { account: { id: accountId }, token: ownerToken }, { name: "Eve Editor" });
    const roles = (await api("GET", "/custom_roles")).body as { id: number; name: string }[];
    const supervisor = roles.find((r) => r.name === "Supervisor")!;
    const { html } = await owner.page(`${accountPath}/settings/agents`);
    const row = rowOf(html, agent.user.id);
    expect(row).toMatch(/title="Edit"[^>]*data-account-team-dialog="agent-edit-\d+"/);
    const modal = dialogHtml(html, `agent-edit-${agent.user.id}`);
    expect(modal).toContain("Edit agent");
    expect(modal).toContain(">Availability<");
    expect(modal).toContain(">Update<");
    expect(modal).toContain("Reset Password");

    const saved = await owner.post(`${accountPath}/settings/agents/${agent.user.id}`, { name: "Eve Evans", role: `custom:${supervisor.id}`, availability: "busy" });
    expect(saved.status).toBe(303);
    const after = (await agentsApi()).find((a) => a.id === agent.user.id)!;
    expect(after).toMatchObject({ name: "Eve Evans", role: "agent", custom_role_id: supervisor.id, availability_status: "busy" });
    const shown = rowOf((await owner.page(`${accountPath}/settings/agents?saved=updated`)).html, agent.user.id);
    expect(shown).toMatch(/data-testid="role">Supervisor</);
    expect(shown).toContain("Busy");
    expect(owner.lastHtml).toContain("Agent updated");

    const invalid = await owner.post(`${accountPath}/settings/agents/${agent.user.id}`, { name: "", role: "agent", availability: "asleep" });
    expect(invalid.status).toBe(422);
    const reopened = await invalid.text();
    expect(dialogOpen(reopened, `agent-edit-${agent.user.id}`)).toBe(true);
    const m = dialogHtml(reopened, `agent-edit-${agent.user.id}`);
    expect(m).toContain("Can");
    expect(m).toContain("Must be Online, Busy or Offline");

    const reset = await owner.post(`${accountPath}/settings/agents/${agent.user.id}/reset_password`);
    expect(reset.status).toBe(303);
    expect(reset.headers.get("location")).toContain("saved=reset");
    const mail = await waitFor("reset mail", () => mailsTo(agent.email)[0]);
    expect(mail.headers.subject).toContain("Reset your Parley password");
  });

  test("resend the invitation to an unconfirmed agent (also by re-saving); a verified agent has nothing to resend", async () => {
    const email = "rita@example.com";
    expect((await owner.post(`${accountPath}/settings/agents`, { name: "Rita Resend", email, role: "administrator" })).status).toBe(303);
    await waitFor("first invitation", () => mailsTo(email)[0]);
    const rita = (await agentsApi()).find((a) => a.email === email)!;
    expect(rita.role).toBe("administrator");
    expect((await owner.post(`${accountPath}/settings/agents/${rita.id}/resend`)).status).toBe(303);
    await waitFor("second invitation", () => mailsTo(email)[1]);
    expect((await owner.post(`${accountPath}/settings/agents/${rita.id}`, { name: "Rita Resend", role: "administrator", availability: "offline" })).status).toBe(303);
    await waitFor("third invitation (re-saved)", () => mailsTo(email)[2]);

    const verified = await owner.post(`${accountPath}/settings/agents/${ownerId}/resend`);
    expect(verified.status).toBe(422);
    expect(await verified.text()).toContain("already confirmed");
  });

  test("changing a role is instant: a demoted administrator loses the settings on their next page", async () => {
    const admin2 = await createAgent(server, { account: { id: accountId }, token: ownerToken }, { name: "Adam Second", role: "administrator" });
    const client = await login(server, admin2.email);
    expect((await client.get(`${accountPath}/settings/agents`)).status).toBe(200);
    const demoted = await owner.post(`${accountPath}/settings/agents/${admin2.user.id}`, { name: "Adam Second", role: "agent", availability: "offline" });
    expect(demoted.status).toBe(303);
    expect((await client.get(`${accountPath}/settings/agents`)).status).toBe(404);
    // Reloading the address a failed edit left behind reopens that dialog instead of a 404.
    expect((await owner.get(`${accountPath}/settings/agents/${admin2.user.id}`)).headers.get("location")).toBe(`${accountPath}/settings/agents?modal=edit-${admin2.user.id}`);
    expect((await client.get(`${accountPath}/settings/agents/${admin2.user.id}`)).status).toBe(404);
  });

  test("the last verified administrator cannot be demoted: the domain error shows under Role", async () => {
    // Rita (administrator) has not confirmed, so she does not count.
    const res = await owner.post(`${accountPath}/settings/agents/${ownerId}`, { name: "Olivia Owner", role: "agent", availability: "online" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(dialogOpen(html, `agent-edit-${ownerId}`)).toBe(true);
    expect(dialogHtml(html, `agent-edit-${ownerId}`)).toContain("last verified administrator of the account and cannot be demoted");
    expect((await agentsApi()).find((a) => a.id === ownerId)!.role).toBe("administrator");
  });

  test("Delete (trash) asks in a modal what happens, then removes the agent; deleting yourself is refused", async () => {
    const agent = await createAgent(server, { account: { id: accountId }, token: ownerToken }, { name: "Dan Delete" });
    const { html } = await owner.page(`${accountPath}/settings/agents?modal=delete-${agent.user.id}`);
    expect(rowOf(html, agent.user.id)).toMatch(/title="Delete"[^>]*data-account-team-dialog="agent-delete-\d+"/);
    expect(dialogOpen(html, `agent-delete-${agent.user.id}`)).toBe(true);
    const modal = dialogHtml(html, `agent-delete-${agent.user.id}`);
    expect(modal).toContain("removed from every team");
    expect(modal).toContain("removed from every inbox");
    expect(modal).toContain("unassigned");

    const res = await owner.post(`${accountPath}/settings/agents/${agent.user.id}/delete`);
    expect(res.status).toBe(303);
    expect((await agentsApi()).some((a) => a.id === agent.user.id)).toBe(false);
    expect((await owner.page(res.headers.get("location")!)).html).toContain("Agent deleted");

    const self = await owner.post(`${accountPath}/settings/agents/${ownerId}/delete`);
    expect(self.status).toBe(422);
    const refused = await self.text();
    expect(refused).toContain("you cannot delete yourself");
    expect(refused).toContain('id="agents-error"');
    expect((await owner.post(`${accountPath}/settings/agents/999999/delete`)).status).toBe(404);
  });
});

describe("administrators only", () => {
  test("an agent (or a custom-role holder) gets 404 on every page and action; other accounts' admins too", async () => {
    const agent = await createAgent(server, { account: { id: accountId }, token: ownerToken }, { name: "Plain Agent" });
    const client = await login(server, agent.email);
    for (const page of ["account", "agents", "teams", "agents?modal=invite"]) {
      expect((await client.get(`${accountPath}/settings/${page}`)).status).toBe(404);
    }
    await client.page(`${accountPath}/settings/profile`);
    const posts: [string, Record<string, string>][] = [
      ["account", { name: "Hijack", locale: "en", auto_resolve_unit: "days" }],
      ["agents", { name: "Mallory", email: "mallory@example.com", role: "administrator" }],
      [`agents/${ownerId}/delete`, {}],
      [`agents/${agent.user.id}`, { name: "Plain Agent", role: "administrator", availability: "online" }],
      ["teams", { name: "hackers" }],
    ];
    for (const [p, fields] of posts) expect((await client.post(`${accountPath}/settings/${p}`, fields)).status).toBe(404);
    expect((await agentsApi()).find((a) => a.id === agent.user.id)!.role).toBe("agent");
    expect((await api("GET", "")).body.name).not.toBe("Hijack");

    const roleId = (await api("POST", "/custom_roles", { name: "Everything", permissions: ["conversation_manage", "contact_manage", "report_manage", "knowledge_base_manage"] })).body.id;
    const custom = await createAgent(server, { account: { id: accountId }, token: ownerToken }, { name: "Custom Carl", customRoleId: roleId });
    const carl = await login(server, custom.email);
    for (const page of ["account", "agents", "teams"]) expect((await carl.get(`${accountPath}/settings/${page}`)).status).toBe(404);

    const outsider = await createAdmin(server, { name: "Other Admin" });
    const other = await login(server, outsider.email);
    expect((await other.get(`${accountPath}/settings/agents`)).status).toBe(404);
  });
});

describe("Settings → Account", () => {
  test("shows name, language, auto-resolve, support email and the account id; saving goes through the account API's rules", async () => {
    const { res, html } = await owner.page(`${accountPath}/settings/account`);
    expect(res.status).toBe(200);
    expect(html).toContain('value="Acme"');
    expect(html).toMatch(/<option value="en" selected/);
    expect(html).toMatch(new RegExp(`data-testid="account-id">${accountId}<`));
    expect(html).toContain(`/api/v1/accounts/${accountId}/conversations`);

    const saved = await owner.post(`${accountPath}/settings/account`, {
      name: "Acme Support",
      locale: "pt_BR",
      support_email: "help@acme.test",
      auto_resolve_after: "3",
      auto_resolve_unit: "days",
      auto_resolve_message: "Closing this for now.",
      auto_resolve_ignore_waiting: "1",
    });
    expect(saved.status).toBe(303);
    const account = (await api("GET", "")).body;
    expect(account).toMatchObject({
      name: "Acme Support",
      locale: "pt_BR",
      support_email: "help@acme.test",
      auto_resolve_duration: 3 * 1440,
      settings: { auto_resolve_message: "Closing this for now.", auto_resolve_ignore_waiting: true },
    });
    const page = (await owner.page(saved.headers.get("location")!)).html;
    expect(page).toContain("Account settings saved");
    expect(page).toContain('value="Acme Support"');
    expect(page).toMatch(/name="auto_resolve_after"[^>]*value="3"/);
    expect(page).toMatch(/<option value="days" selected/);
    // The account switcher shows the new name too.
    expect(page).toContain("Acme Support");

    // Emptying the duration turns auto-resolve off.
    const off = await owner.post(`${accountPath}/settings/account`, { name: "Acme Support", locale: "en", auto_resolve_after: "", auto_resolve_unit: "days" });
    expect(off.status).toBe(303);
    expect((await api("GET", "")).body).toMatchObject({ auto_resolve_duration: null, locale: "en", support_email: null });
  });

  test("bad input is a 422 naming the field, with what was typed kept", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ name: "", locale: "en", auto_resolve_unit: "days" }, "f-name-error"],
      [{ name: "Acme", locale: "klingon", auto_resolve_unit: "days" }, "Is not a supported language"],
      [{ name: "Acme", locale: "en", auto_resolve_after: "5", auto_resolve_unit: "minutes" }, "Must be between 10 minutes and 999 days"],
      [{ name: "Acme", locale: "en", auto_resolve_after: "1000", auto_resolve_unit: "days" }, "Must be between 10 minutes and 999 days"],
      [{ name: "Acme", locale: "en", auto_resolve_after: "two", auto_resolve_unit: "days" }, "Must be a whole number"],
      [{ name: "Acme", locale: "en", auto_resolve_unit: "weeks" }, "Must be minutes, hours or days"],
      [{ name: "Acme", locale: "en", support_email: "nope", auto_resolve_unit: "days" }, "f-support_email-error"],
    ];
    for (const [fields, expected] of cases) {
      const res = await owner.post(`${accountPath}/settings/account`, fields);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(expected);
      expect(html).toContain("Please correct the fields below.");
      if (fields.auto_resolve_after) expect(html).toMatch(new RegExp(`name="auto_resolve_after"[^>]*value="${fields.auto_resolve_after}"`));
    }
    expect((await api("GET", "")).body.name).toBe("Acme Support");
  });
});

describe("Settings → Teams", () => {
  test("empty state, create (name, description, auto assign), duplicate name inline, edit, members from the account only, delete with confirm", async () => {
    const empty = await owner.page(`${accountPath}/settings/teams`);
    expect(empty.html).toContain("No teams yet");
    expect(empty.html).toContain("Create a team");
    expect(dialogHtml(empty.html, "team-create")).toContain("Allow auto assign");

    const created = await owner.post(`${accountPath}/settings/teams`, { name: "Billing", description: "Invoices & refunds", allow_auto_assign: "1" });
    expect(created.status).toBe(303);
    const teamPath = created.headers.get("location")!.split("?")[0];
    const teamId = Number(teamPath.split("/").pop());
    expect((await api("GET", `/teams/${teamId}`)).body).toMatchObject({ name: "billing", description: "Invoices & refunds", allow_auto_assign: true });

    const dup = await owner.post(`${accountPath}/settings/teams`, { name: "BILLING" });
    expect(dup.status).toBe(422);
    const dupHtml = await dup.text();
    expect(dialogOpen(dupHtml, "team-create")).toBe(true);
    expect(dialogHtml(dupHtml, "team-create")).toContain("Name has already been taken");
    const blank = await owner.post(`${accountPath}/settings/teams`, { name: "  " });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain('id="f-name-error"');

    // The team page offers the account's agents (not other accounts' users) and shows no members yet.
    const member = await createAgent(server, { account: { id: accountId }, token: ownerToken }, { name: "Tom Team" });
    const stranger = await createAdmin(server, { name: "Stranger Danger" });
    let page = (await owner.page(teamPath)).html;
    expect(page).toContain("No members yet");
    expect(page).toContain(`name="user_ids" value="${member.user.id}"`);
    expect(page).not.toContain("Stranger Danger");

    const add = await owner.post(`${teamPath}/members`, { user_ids: String(member.user.id) });
    expect(add.status).toBe(303);
    page = (await owner.page(add.headers.get("location")!)).html;
    expect(page).toContain("Members added");
    expect(page).toMatch(new RegExp(`<tr data-member-id="${member.user.id}"[\\s\\S]*?Tom Team`));
    expect(page).not.toContain(`name="user_ids" value="${member.user.id}"`);
    expect(((await api("GET", `/teams/${teamId}/team_members`)).body as { id: number }[]).map((m) => m.id)).toEqual([member.user.id]);

    const foreign = await owner.post(`${teamPath}/members`, { user_ids: String(stranger.user.id) });
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toContain("Must be agents of this account");
    const none = await owner.post(`${teamPath}/members`, {});
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("Pick at least one agent");

    const list = (await owner.page(`${accountPath}/settings/teams`)).html;
    expect(list).toMatch(new RegExp(`<tr data-team-id="${teamId}"[\\s\\S]*?billing[\\s\\S]*?Invoices &amp; refunds[\\s\\S]*?1 agent[\\s\\S]*?On`));

    const edited = await owner.post(teamPath, { name: "Payments", description: "" });
    expect(edited.status).toBe(303);
    expect((await api("GET", `/teams/${teamId}`)).body).toMatchObject({ name: "payments", allow_auto_assign: false });
    const badEdit = await owner.post(teamPath, { name: "" });
    expect(badEdit.status).toBe(422);

    expect((await owner.post(`${teamPath}/members/${member.user.id}/delete`)).status).toBe(303);
    expect((await api("GET", `/teams/${teamId}/team_members`)).body).toEqual([]);

    const confirm = (await owner.page(`${teamPath}?modal=delete`)).html;
    expect(dialogOpen(confirm, "team-delete")).toBe(true);
    expect(dialogHtml(confirm, "team-delete")).toContain("This cannot be undone");
    const del = await owner.post(`${teamPath}/delete`);
    expect(del.status).toBe(303);
    expect((await api("GET", `/teams/${teamId}`)).status).toBe(404);
    expect((await owner.page(del.headers.get("location")!)).html).toContain("Team deleted");
    expect((await owner.get(teamPath)).status).toBe(404);
  });

  test("another account's team is not found", async () => {
    const other = await createAdmin(server);
    const team = await server.api(`/api/v1/accounts/${other.account.id}/teams`, { method: "POST", token: other.token, json: { name: "theirs" } });
    const id = (await team.json()).id;
    expect((await owner.get(`${accountPath}/settings/teams/${id}`)).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/teams/${id}/delete`)).status).toBe(404);
    expect((await owner.post(`${accountPath}/settings/teams/${id}/members`, { user_ids: String(ownerId) })).status).toBe(404);
  });
});
