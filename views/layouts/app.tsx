/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { AVAILABILITY_LABELS, Avatar, type Availability } from "../components/avatar.tsx";
import { CsrfField } from "../components/form.tsx";
import { Icon, type IconName } from "../components/icon.tsx";
import { Document, type Doc } from "./document.tsx";
import { ShortcutsDialog } from "../pages/conversations/index.tsx";

export type Section = "conversations" | "contacts" | "search" | "notifications" | "reports" | "help-center" | "settings";

export type ShellUser = { id: number; name: string; email: string; avatarUrl: string | null; availability: Availability; pubsubToken: string };
export type ShellAccount = { id: number; name: string; role: string };

/** Everything the logged-in frame needs: who, where, and which account. */
export type Shell = {
  doc: Doc;
  user: ShellUser;
  accounts: ShellAccount[];
  accountId: number;
  section: Section;
  /** Unread notifications of the viewer in this account (capped: the badge shows 99+). */
  unreadNotifications: number;
};

const NAV: { section: Section; label: string; icon: IconName; path: string; shortcut?: string }[] = [
  { section: "conversations", label: "Conversations", icon: "conversations", path: "dashboard" },
  { section: "contacts", label: "Contacts", icon: "contacts", path: "contacts" },
  { section: "search", label: "Search", icon: "search", path: "search", shortcut: "search" },
  { section: "notifications", label: "Notifications", icon: "bell", path: "notifications" },
  { section: "reports", label: "Reports", icon: "reports", path: "reports" },
  { section: "help-center", label: "Help Center", icon: "helpCenter", path: "portals" },
  { section: "settings", label: "Settings", icon: "settings", path: "settings" },
];

/** The rail's unread badge text. */
export function badgeCount(n: number): string {
  return n > 99 ? "99+" : String(n);
}

export function accountPath(accountId: number, path: string): string {
  return `/app/accounts/${accountId}/${path}`;
}

/** Alpine modifiers contain dots, which JSX attribute names cannot: they are spread in. */
const MENU_EVENTS = { "x-on:keydown.escape": "closeAndFocus", "x-on:click.outside": "close" };

function AccountSwitcher(props: { shell: Shell }) {
  const { accounts, accountId, doc } = props.shell;
  const current = accounts.find((a) => a.id === accountId) ?? accounts[0];
  return (
    <div class="switcher" x-data="menu" {...MENU_EVENTS}>
      <button type="button" class="switcher-button" x-ref="button" x-on:click="toggle" x-bind:aria-expanded="open" aria-haspopup="true" aria-controls="account-menu">
        <span class="account-mark" aria-hidden="true">
          {current.name.trim().slice(0, 1).toUpperCase()}
        </span>
        <span class="switcher-text">
          <span class="switcher-name">{current.name}</span>
          <span class="switcher-role">{current.role === "administrator" ? "Administrator" : "Agent"}</span>
        </span>
        <Icon name="chevronsUpDown" size={16} class="switcher-chevron" />
      </button>
      <div class="menu menu-down" id="account-menu" x-show="open" x-cloak role="menu">
        <p class="menu-heading">Switch account</p>
        {accounts.map((a) => (
          <form method="post" action={`/app/accounts/${a.id}/switch`} class="menu-form">
            <CsrfField token={doc.csrfToken} />
            <button type="submit" class={a.id === accountId ? "menu-item is-current" : "menu-item"} role="menuitemradio" aria-checked={a.id === accountId ? "true" : "false"}>
              <span class="account-mark account-mark-sm" aria-hidden="true">
                {a.name.trim().slice(0, 1).toUpperCase()}
              </span>
              <span class="menu-item-label">{a.name}</span>
              {a.id === accountId ? <Icon name="check" size={16} class="menu-check" /> : null}
            </button>
          </form>
        ))}
      </div>
    </div>
  );
}

/** The avatar, its menu (availability, profile, log out) — also the htmx fragment after a status change. */
export function UserMenu(props: { shell: Pick<Shell, "doc" | "user" | "accountId"> }) {
  const { user, accountId, doc } = props.shell;
  return (
    <div class="user-menu" id="user-menu" x-data="menu" {...MENU_EVENTS}>
      <button
        type="button"
        class="user-button"
        x-ref="button"
        x-on:click="toggle"
        x-bind:aria-expanded="open"
        aria-haspopup="true"
        aria-controls="user-menu-panel"
        data-testid="avatar-button"
      >
        <Avatar name={user.name} url={user.avatarUrl} size="md" status={user.availability} />
        <span class="user-button-text">
          <span class="user-button-name">{user.name}</span>
          <span class={`user-button-status status-text-${user.availability}`}>{AVAILABILITY_LABELS[user.availability]}</span>
        </span>
      </button>
      <div class="menu menu-up" id="user-menu-panel" x-show="open" x-cloak role="menu">
        <div class="menu-profile">
          <Avatar name={user.name} url={user.avatarUrl} size="lg" />
          <div class="menu-profile-text">
            <p class="menu-profile-name">{user.name}</p>
            <p class="menu-profile-email">{user.email}</p>
          </div>
        </div>
        <div class="menu-separator"></div>
        <p class="menu-heading">Availability</p>
        {(["online", "busy", "offline"] as const).map((a) => (
          <form
            method="post"
            action={`/app/accounts/${accountId}/availability`}
            class="menu-form"
            hx-post={`/app/accounts/${accountId}/availability`}
            hx-target="#user-menu"
            hx-swap="outerHTML"
          >
            <CsrfField token={doc.csrfToken} />
            <input type="hidden" name="availability" value={a} />
            <button
              type="submit"
              class={a === user.availability ? "menu-item is-current" : "menu-item"}
              role="menuitemradio"
              aria-checked={a === user.availability ? "true" : "false"}
              data-availability={a}
            >
              <span class={`status-swatch status-${a}`} aria-hidden="true"></span>
              <span class="menu-item-label">{AVAILABILITY_LABELS[a]}</span>
              {a === user.availability ? <Icon name="check" size={16} class="menu-check" /> : null}
            </button>
          </form>
        ))}
        <div class="menu-separator"></div>
        <a class="menu-item" role="menuitem" href={accountPath(accountId, "settings/profile")}>
          <Icon name="user" size={16} />
          <span class="menu-item-label">Profile settings</span>
        </a>
        <form method="post" action="/app/logout" class="menu-form">
          <CsrfField token={doc.csrfToken} />
          <button type="submit" class="menu-item" role="menuitem" data-testid="logout">
            <Icon name="logOut" size={16} />
            <span class="menu-item-label">Log out</span>
          </button>
        </form>
      </div>
    </div>
  );
}

/** The logged-in frame: navigation rail on the left, the section's page on the right. */
export function AppLayout(props: { shell: Shell; children: Child }) {
  const { shell } = props;
  return (
    <Document doc={shell.doc} bodyClass="app-body">
      <link rel="stylesheet" href={accountPath(shell.accountId, "labels.css")} />
      <meta name="parley-realtime" data-account-id={String(shell.accountId)} data-user-id={String(shell.user.id)} data-pubsub-token={shell.user.pubsubToken} />
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <div class="app">
        <aside class="rail" aria-label="Main">
          <div class="rail-top">
            <a class="rail-logo" href={accountPath(shell.accountId, "dashboard")} aria-label="Parley home">
              <img src={shell.doc.assets.logo} alt="" width="30" height="30" />
              <span class="rail-logo-text">Parley</span>
            </a>
            <AccountSwitcher shell={shell} />
          </div>
          <nav class="rail-nav">
            <ul>
              {NAV.map((item) => (
                <li>
                  <a
                    href={accountPath(shell.accountId, item.path)}
                    class={item.section === shell.section ? "rail-link is-active" : "rail-link"}
                    aria-current={item.section === shell.section ? "page" : undefined}
                    title={item.label}
                    data-shortcut={item.shortcut}
                  >
                    <Icon name={item.icon} size={19} />
                    <span class="rail-label">{item.label}</span>
                    {item.section === "notifications" ? (
                      <span class="rail-badge" data-notification-badge hidden={shell.unreadNotifications === 0}>
                        {badgeCount(shell.unreadNotifications)}
                      </span>
                    ) : null}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="rail-bottom">
            <UserMenu shell={shell} />
          </div>
        </aside>
        <main class="main" id="main" tabindex={-1}>
          {props.children}
        </main>
      </div>
      <ShortcutsDialog />
    </Document>
  );
}

export function PageHeader(props: { title: string; subtitle?: string; actions?: Child }) {
  return (
    <header class="page-header">
      <div>
        <h1 class="page-title">{props.title}</h1>
        {props.subtitle ? <p class="page-subtitle">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div class="page-actions">{props.actions}</div> : null}
    </header>
  );
}
