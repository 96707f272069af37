/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Icon, type IconName } from "../../components/icon.tsx";
import { AppLayout, accountPath, type Shell } from "../../layouts/app.tsx";

export type SettingsPage =
  | "profile"
  | "account"
  | "agents"
  | "teams"
  | "inboxes"
  | "labels"
  | "custom-roles"
  | "canned-responses"
  | "custom-attributes"
  | "macros"
  | "automation"
  | "assignment"
  | "sla"
  | "dashboard-apps"
  | "bots"
  | "webhooks"
  | "outbox"
  | "jobs";
/** Which settings pages the viewer may open (administrators: the account's settings; SuperAdmins: jobs). */
export type SettingsAccess = { outbox: boolean; jobs: boolean; admin?: boolean };

export function SettingsLayout(props: { shell: Shell; page: SettingsPage; access: SettingsAccess; children: Child }) {
  const id = props.shell.accountId;
  const link = (page: SettingsPage, label: string, icon: IconName, path: string) => (
    <li>
      <a href={accountPath(id, path)} class={page === props.page ? "subnav-link is-active" : "subnav-link"} aria-current={page === props.page ? "page" : undefined}>
        <Icon name={icon} size={16} />
        {label}
      </a>
    </li>
  );
  return (
    <AppLayout shell={props.shell}>
      <div class="settings">
        <nav class="subnav" aria-label="Settings">
          <p class="subnav-title">Settings</p>
          <p class="subnav-group">Personal</p>
          <ul>
            {link("profile", "Profile", "user", "settings/profile")}
            {link("macros", "Macros", "activity", "settings/macros")}
          </ul>
          {props.access.admin ? (
            <>
              <p class="subnav-group">Account</p>
              <ul>
                {link("account", "Account settings", "settings", "settings/account")}
                {link("agents", "Agents", "user", "settings/agents")}
                {link("teams", "Teams", "contacts", "settings/teams")}
                {link("inboxes", "Inboxes", "inbox", "settings/inboxes")}
                {link("labels", "Labels", "layers", "settings/labels")}
                {link("custom-roles", "Custom roles", "user", "settings/custom-roles")}
                {link("canned-responses", "Canned responses", "conversations", "settings/canned-responses")}
                {link("custom-attributes", "Custom attributes", "layers", "settings/custom-attributes")}
                {link("automation", "Automation", "activity", "settings/automation")}
                {link("assignment", "Assignment", "user", "settings/assignment")}
                {link("sla", "SLA policies", "clock", "settings/sla")}
              </ul>
              <p class="subnav-group">Integrations</p>
              <ul>
                {link("dashboard-apps", "Dashboard apps", "layers", "settings/integrations/dashboard-apps")}
                {link("bots", "Bots", "layers", "settings/bots")}
                {link("webhooks", "Webhooks", "layers", "settings/webhooks")}
              </ul>
            </>
          ) : null}
          {props.access.outbox || props.access.jobs ? <p class="subnav-group">System</p> : null}
          <ul>
            {props.access.outbox ? link("outbox", "Mail outbox", "mail", "settings/outbox") : null}
            {props.access.jobs ? link("jobs", "Background jobs", "layers", "settings/jobs") : null}
          </ul>
        </nav>
        <div class="settings-content">{props.children}</div>
      </div>
    </AppLayout>
  );
}
