/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Icon, type IconName } from "../../components/icon.tsx";
import { AppLayout, accountPath, type Shell } from "../../layouts/app.tsx";

export type SettingsPage = "profile" | "outbox" | "jobs" | "bots" | "inboxes" | "webhooks";
/** Which settings pages the viewer may open (administrators: outbox; SuperAdmins: jobs). */
export type SettingsAccess = { outbox: boolean; jobs: boolean; bots?: boolean };

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
          <ul>{link("profile", "Profile", "user", "settings/profile")}</ul>
          {props.access.outbox || props.access.jobs || props.access.bots ? <p class="subnav-group">Administration</p> : null}
          <ul>
            {props.access.bots ? link("inboxes", "Inboxes", "inbox", "settings/inboxes") : null}
            {props.access.bots ? link("bots", "Bots", "layers", "settings/bots") : null}
            {props.access.bots ? link("webhooks", "Webhooks", "layers", "settings/webhooks") : null}
            {props.access.outbox ? link("outbox", "Mail outbox", "mail", "settings/outbox") : null}
            {props.access.jobs ? link("jobs", "Background jobs", "layers", "settings/jobs") : null}
          </ul>
        </nav>
        <div class="settings-content">{props.children}</div>
      </div>
    </AppLayout>
  );
}
