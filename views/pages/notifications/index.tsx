/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { CsrfField, NoticeAlert, type Notice } from "../../components/form.tsx";
import { Icon, type IconName } from "../../components/icon.tsx";
import { Time } from "../../components/time.tsx";
import { AppLayout, PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";

export type NotificationItem = {
  id: number;
  type: string;
  title: string;
  body: string;
  read: boolean;
  at: number;
  conversationId: number | null;
  contactName: string | null;
};

export type NotificationsView = { filter: "all" | "unread"; page: number; hasMore: boolean; unread: number; items: NotificationItem[]; now: number };

const ICONS: Record<string, IconName> = {
  conversation_mention: "user",
  conversation_assignment: "userPlus",
  conversation_creation: "messagePlus",
  sla_missed_first_response: "alert",
  sla_missed_next_response: "alert",
  sla_missed_resolution: "alert",
};

const MENU_EVENTS = { "x-on:keydown.escape": "closeAndFocus", "x-on:click.outside": "close" };

/** The row's actions post and come back to this page; htmx swaps just the centre (no-JS: a full page). */
function ActionForm(props: { action: string; csrf: string; back: string; label: string; icon?: IconName; class: string; extra?: Record<string, string>; testid: string; role?: string }) {
  return (
    <form method="post" action={props.action} class="notification-action-form" hx-post={props.action} hx-target="#notification-centre" hx-select="#notification-centre" hx-swap="outerHTML">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="back" value={props.back} />
      {Object.entries(props.extra ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} class={k === "tz_offset" ? "notif-tz-offset" : undefined} />
      ))}
      <button type="submit" class={props.class} title={props.icon ? props.label : undefined} aria-label={props.icon ? props.label : undefined} data-testid={props.testid} role={props.role}>
        {props.icon ? <Icon name={props.icon} size={15} /> : props.label}
      </button>
    </form>
  );
}

function NotificationRow(props: { item: NotificationItem; accountId: number; csrf: string; now: number; back: string }) {
  const { item, csrf, back } = props;
  const path = (action: string) => accountPath(props.accountId, `notifications/${item.id}/${action}`);
  return (
    <li class={item.read ? "notification" : "notification is-unread"} data-notification-id={String(item.id)}>
      <form method="post" action={path("open")} class="notification-form">
        <CsrfField token={csrf} />
        <button type="submit" class="notification-button">
          <span class="notification-icon" aria-hidden="true">
            <Icon name={ICONS[item.type] ?? "conversations"} size={16} />
          </span>
          <span class="notification-text">
            <span class="notification-title">{item.title}</span>
            {item.contactName ? <span class="notification-contact">{item.contactName}</span> : null}
            {item.body ? <span class="notification-body">{item.body}</span> : null}
          </span>
          <span class="notification-meta">
            <Time at={item.at} now={props.now} />
            {item.read ? null : <span class="notification-dot" aria-label="Unread"></span>}
          </span>
        </button>
      </form>
      <div class="notification-actions">
        {item.read ? (
          <ActionForm action={path("unread")} csrf={csrf} back={back} label="Mark as unread" icon="mail" class="btn btn-ghost btn-sm notification-action" testid="notification-unread" />
        ) : (
          <ActionForm action={path("read")} csrf={csrf} back={back} label="Mark as read" icon="check" class="btn btn-ghost btn-sm notification-action" testid="notification-read" />
        )}
        <div class="notification-snooze" x-data="menu" {...MENU_EVENTS}>
          <button
            type="button"
            class="btn btn-ghost btn-sm notification-action"
            x-ref="button"
            x-on:click="toggle"
            x-bind:aria-expanded="open"
            aria-haspopup="true"
            aria-label="Snooze"
            title="Snooze"
            data-testid="notification-snooze"
          >
            <Icon name="clock" size={15} />
          </button>
          {/* No id: htmx copies style attributes between same-id elements of a swap, which the CSP refuses (and Alpine's x-show loses). */}
          <div class="menu notification-snooze-panel" x-show="open" x-cloak role="menu">
            <p class="menu-heading">Snooze until</p>
            <ActionForm action={path("snooze")} csrf={csrf} back={back} label="1 hour" class="menu-item" role="menuitem" extra={{ snooze: "hour", tz_offset: "0" }} testid="snooze-hour" />
            <ActionForm action={path("snooze")} csrf={csrf} back={back} label="Tomorrow, 9:00" class="menu-item" role="menuitem" extra={{ snooze: "tomorrow", tz_offset: "0" }} testid="snooze-tomorrow" />
            <ActionForm action={path("snooze")} csrf={csrf} back={back} label="Next week, Monday 9:00" class="menu-item" role="menuitem" extra={{ snooze: "next_week", tz_offset: "0" }} testid="snooze-next-week" />
          </div>
        </div>
        <ActionForm action={path("delete")} csrf={csrf} back={back} label="Delete" icon="x" class="btn btn-ghost btn-sm notification-action" testid="notification-delete" />
      </div>
    </li>
  );
}

/** The viewer's notifications in this account: mentions, assignments and new messages, newest first. */
export function NotificationsPage(props: { shell: Shell; view: NotificationsView; notice?: Notice }) {
  const { shell, view } = props;
  const base = accountPath(shell.accountId, "notifications");
  const csrf = shell.doc.csrfToken;
  const link = (filter: "all" | "unread", page = 1) => `${base}?filter=${filter}${page > 1 ? `&page=${page}` : ""}`;
  const back = link(view.filter, view.page);
  return (
    <AppLayout shell={shell}>
      {/* The centre (header with "Mark all as read", tabs, list) is what row actions and realtime refreshes swap. */}
      <div class="notification-centre" id="notification-centre" data-notification-centre>
        <PageHeader
          title="Notifications"
          subtitle="Mentions, assignments, new conversations and messages, missed SLAs."
          actions={
            <>
              <a class="btn btn-secondary" href={`${accountPath(shell.accountId, "settings/profile")}#notifications-heading`}>
                <Icon name="settings" size={16} /> Preferences
              </a>
              {view.unread ? (
                <form method="post" action={`${base}/read_all`}>
                  <CsrfField token={csrf} />
                  <button type="submit" class="btn btn-secondary">
                    <Icon name="check" size={16} /> Mark all as read
                  </button>
                </form>
              ) : null}
            </>
          }
        />
        <div class="page-body stack-lg">
          <NoticeAlert notice={props.notice} id="notifications-notice" />
          <nav class="notif-tabs" aria-label="Which notifications">
            <a class={view.filter === "all" ? "notif-tab is-active" : "notif-tab"} href={link("all")} aria-current={view.filter === "all" ? "page" : undefined}>
              All
            </a>
            <a class={view.filter === "unread" ? "notif-tab is-active" : "notif-tab"} href={link("unread")} aria-current={view.filter === "unread" ? "page" : undefined}>
              Unread <span class="notif-tab-count">{view.unread}</span>
            </a>
          </nav>
          {view.items.length === 0 ? (
            <section class="card card-empty">
              <EmptyState icon="bell" title={view.filter === "unread" ? "You are all caught up" : "No notifications yet"}>
                You are notified when a conversation is assigned to you, when a teammate @-mentions you in a private note, when
                customers write in conversations you are assigned to or participate in, and when an SLA target is missed. Choose
                which ones you get, in the app and by email, in your profile settings.
              </EmptyState>
            </section>
          ) : (
            <section class="card">
              <ul class="notification-list" id="notification-list">
                {view.items.map((item) => (
                  <NotificationRow item={item} accountId={shell.accountId} csrf={csrf} now={view.now} back={back} />
                ))}
              </ul>
              {view.page > 1 || view.hasMore ? (
                <nav class="notif-pager" aria-label="Pages">
                  {view.page > 1 ? (
                    <a class="btn btn-secondary btn-sm" href={link(view.filter, view.page - 1)}>
                      Previous
                    </a>
                  ) : (
                    <span></span>
                  )}
                  <span class="notif-pager-page">Page {view.page}</span>
                  {view.hasMore ? (
                    <a class="btn btn-secondary btn-sm" href={link(view.filter, view.page + 1)}>
                      Next
                    </a>
                  ) : (
                    <span></span>
                  )}
                </nav>
              ) : null}
            </section>
          )}
        </div>
      </div>
    </AppLayout>
  );
}
