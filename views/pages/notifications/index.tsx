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
  conversation_assignment: "user",
  conversation_creation: "conversations",
};

function NotificationRow(props: { item: NotificationItem; accountId: number; csrf: string; now: number }) {
  const { item } = props;
  const open = accountPath(props.accountId, `notifications/${item.id}/open`);
  return (
    <li class={item.read ? "notification" : "notification is-unread"} data-notification-id={String(item.id)}>
      <form method="post" action={open} class="notification-form">
        <CsrfField token={props.csrf} />
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
    </li>
  );
}

/** The viewer's notifications in this account: mentions, assignments and new messages, newest first. */
export function NotificationsPage(props: { shell: Shell; view: NotificationsView; notice?: Notice }) {
  const { shell, view } = props;
  const base = accountPath(shell.accountId, "notifications");
  const csrf = shell.doc.csrfToken;
  const link = (filter: "all" | "unread", page = 1) => `${base}?filter=${filter}${page > 1 ? `&page=${page}` : ""}`;
  return (
    <AppLayout shell={shell}>
      <PageHeader
        title="Notifications"
        subtitle="Mentions, assignments and new messages in conversations you follow."
        actions={
          view.unread ? (
            <form method="post" action={`${base}/read_all`}>
              <CsrfField token={csrf} />
              <button type="submit" class="btn btn-secondary">
                <Icon name="check" size={16} /> Mark all as read
              </button>
            </form>
          ) : null
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
              You are notified when a conversation is assigned to you, when a teammate @-mentions you in a private note, and when
              customers write in conversations you are assigned to or participate in. Choose which ones also come by email in
              your profile settings.
            </EmptyState>
          </section>
        ) : (
          <section class="card">
            <ul class="notification-list" id="notification-list">
              {view.items.map((item) => (
                <NotificationRow item={item} accountId={shell.accountId} csrf={csrf} now={view.now} />
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
    </AppLayout>
  );
}
