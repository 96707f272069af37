/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { CsrfField } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { accountPath } from "../../layouts/app.tsx";
import { SavedViewsBar, type SavedViewChip } from "../custom-attributes/saved-views.tsx";
import { SlaBadge, type SlaBadgeData } from "./sla.tsx";

export const LIST_TABS = [
  { value: "me", label: "Mine", count: "mine_count" },
  { value: "unassigned", label: "Unassigned", count: "unassigned_count" },
  { value: "all", label: "All", count: "all_count" },
] as const;
export type ListTab = (typeof LIST_TABS)[number]["value"];

export const LIST_STATUSES = [
  { value: "open", label: "Open" },
  { value: "pending", label: "Pending" },
  { value: "snoozed", label: "Snoozed" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All statuses" },
] as const;
export type ListStatus = (typeof LIST_STATUSES)[number]["value"];

export const LIST_PRIORITIES = [
  { value: "urgent", label: "Urgent" },
  { value: "high", label: "High" },
  { value: "medium", label: "Medium" },
  { value: "low", label: "Low" },
  { value: "none", label: "No priority" },
] as const;
export type ListPriority = (typeof LIST_PRIORITIES)[number]["value"];

export const LIST_SORTS = [
  { value: "last_activity_at_desc", label: "Last activity" },
  { value: "created_at_desc", label: "Newest first" },
  { value: "created_at_asc", label: "Oldest first" },
  { value: "priority_desc", label: "Priority" },
  { value: "waiting_since_asc", label: "Waiting longest" },
] as const;
export type ListSort = (typeof LIST_SORTS)[number]["value"];

/** What the list shows; every field lives in the query string so reload and Back keep the view. */
export type ListState = {
  view: "inbox" | "mentions";
  tab: ListTab;
  status: ListStatus;
  inboxId: number | null;
  teamId: number | null;
  label: string | null;
  priority: ListPriority | null;
  sort: ListSort;
  /** A saved view (custom filter id) applied on top of the filters. */
  customView?: number | null;
};

export const DEFAULT_LIST_STATE: ListState = {
  view: "inbox",
  tab: "me",
  status: "open",
  inboxId: null,
  teamId: null,
  label: null,
  priority: null,
  sort: "last_activity_at_desc",
};

export type ListCounts = { mine_count: number; unassigned_count: number; all_count: number };

export type ListRow = {
  displayId: number;
  status: string;
  contactName: string;
  contactAvatar: string | null;
  inboxName: string;
  excerpt: string;
  excerptPrivate: boolean;
  excerptOutgoing: boolean;
  lastActivityAt: number;
  assigneeName: string | null;
  assigneeAvatar: string | null;
  labels: string[];
  priority: string | null;
  unread: number;
  /** The SLA badge (views/pages/conversations/sla.tsx), when the conversation has an SLA. */
  sla?: SlaBadgeData | null;
};

export type ListOptions = {
  inboxes: { id: number; name: string }[];
  teams: { id: number; name: string }[];
  labels: string[];
  /** The account's agents, for the selection bar's "Assign to". */
  agents: { id: number; name: string }[];
  /** The viewer's saved views (custom filters). */
  savedViews?: SavedViewChip[];
};

/** Mine by default; the Mentions view shows every conversation one was mentioned in. */
export function defaultTab(view: ListState["view"]): ListTab {
  return view === "mentions" ? "all" : "me";
}

/** The list's query string (only what differs from the defaults), with overrides. */
export function listQuery(state: ListState, extra: Record<string, string | number> = {}, withView = true): string {
  const q = new URLSearchParams();
  if (withView && state.view === "mentions") q.set("view", "mentions");
  if (state.tab !== defaultTab(state.view)) q.set("assignee_type", state.tab);
  if (state.status !== DEFAULT_LIST_STATE.status) q.set("status", state.status);
  if (state.inboxId !== null) q.set("inbox_id", String(state.inboxId));
  if (state.teamId !== null) q.set("team_id", String(state.teamId));
  if (state.label !== null) q.set("label", state.label);
  if (state.priority !== null) q.set("priority", state.priority);
  if (state.sort !== DEFAULT_LIST_STATE.sort) q.set("sort_by", state.sort);
  if (state.customView != null) q.set("custom_view", String(state.customView));
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The page URL of the list itself (the dashboard or the Mentions view), keeping the view's filters. */
export function listPageUrl(accountId: number, state: ListState): string {
  return accountPath(accountId, state.view === "mentions" ? "mentions" : "dashboard") + listQuery(state, {}, false);
}

function withPage(url: string, page: number): string {
  return `${url}${url.includes("?") ? "&" : "?"}page=${page}`;
}

export function conversationUrl(accountId: number, displayId: number, state: ListState): string {
  return accountPath(accountId, `conversations/${displayId}`) + listQuery(state);
}

export function fragmentUrl(accountId: number, state: ListState, extra: Record<string, string | number> = {}): string {
  return accountPath(accountId, "conversation-list") + listQuery(state, extra);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "now", "5m", "3h", "2d", then a date: short enough for a list row. */
export function timeAgo(at: number, now: number): string {
  const d = Math.max(0, now - at);
  if (d < MINUTE) return "now";
  if (d < HOUR) return `${Math.floor(d / MINUTE)}m`;
  if (d < DAY) return `${Math.floor(d / HOUR)}h`;
  if (d < 30 * DAY) return `${Math.floor(d / DAY)}d`;
  const date = new Date(at);
  const month = date.toLocaleString("en", { month: "short", timeZone: "UTC" });
  return now - at < 365 * DAY ? `${month} ${date.getUTCDate()}` : `${month} ${date.getUTCFullYear()}`;
}

const PRIORITY_LABEL: Record<string, string> = { urgent: "Urgent", high: "High", medium: "Medium", low: "Low" };

export function ConversationRow(props: { row: ListRow; accountId: number; state: ListState; open: boolean; now: number }) {
  const { row, accountId, state, now } = props;
  const url = conversationUrl(accountId, row.displayId, state);
  const unread = row.unread > 0;
  return (
    <li class={`ws-row${props.open ? " is-open" : ""}${unread ? " is-unread" : ""}`} id={`conversation-row-${row.displayId}`} data-display-id={String(row.displayId)}>
      <input
        type="checkbox"
        class="ws-row-check"
        name="ids"
        value={String(row.displayId)}
        form="ws-bulk-form"
        aria-label={`Select conversation #${row.displayId} with ${row.contactName}`}
      />
      <a
        class="ws-row-link"
        href={url}
        hx-get={url}
        hx-target="#conversation-pane"
        hx-swap="outerHTML settle:0"
        aria-current={props.open ? "true" : undefined}
        data-conversation-link={String(row.displayId)}
      >
        <Avatar name={row.contactName} url={row.contactAvatar} size="md" />
        <span class="ws-row-body">
          <span class="ws-row-top">
            <span class="ws-row-inbox">
              <Icon name="inbox" size={12} /> {row.inboxName}
            </span>
            {row.priority ? <span class={`ws-priority ws-priority-${row.priority}`}>{PRIORITY_LABEL[row.priority] ?? row.priority}</span> : null}
            {row.sla ? <SlaBadge sla={row.sla} /> : null}
            <time class="ws-row-time" datetime={new Date(row.lastActivityAt).toISOString()} title={new Date(row.lastActivityAt).toUTCString()}>
              {timeAgo(row.lastActivityAt, now)}
            </time>
          </span>
          <span class="ws-row-name-line">
            <span class="ws-row-name">{row.contactName}</span>
            <span class="ws-row-id">#{row.displayId}</span>
            {state.status === "all" && row.status !== "open" ? <span class={`ws-status ws-status-${row.status}`}>{row.status}</span> : null}
          </span>
          <span class="ws-row-bottom">
            <span class={`ws-row-excerpt${row.excerptPrivate ? " is-private" : ""}`}>
              {row.excerptPrivate ? <span class="visually-hidden">Private note: </span> : row.excerptOutgoing ? <span class="ws-row-you">You: </span> : null}
              {row.excerpt || <span class="muted">No messages yet</span>}
            </span>
            {unread ? (
              <span class="ws-unread" aria-label={`${row.unread} unread`} data-unread={String(row.unread)}>
                {row.unread > 9 ? "9+" : row.unread}
              </span>
            ) : null}
          </span>
          {row.labels.length || row.assigneeName ? (
            <span class="ws-row-meta">
              <span class="ws-row-labels">
                {row.labels.slice(0, 3).map((l) => (
                  <span class="ws-label" data-label={l}>
                    {l}
                  </span>
                ))}
                {row.labels.length > 3 ? <span class="ws-label">+{row.labels.length - 3}</span> : null}
              </span>
              {row.assigneeName ? (
                <span class="ws-row-assignee" title={`Assigned to ${row.assigneeName}`}>
                  <Avatar name={row.assigneeName} url={row.assigneeAvatar} size="sm" />
                  <span class="visually-hidden">Assigned to {row.assigneeName}</span>
                </span>
              ) : null}
            </span>
          ) : null}
        </span>
      </a>
    </li>
  );
}

/** Rows of one page plus, when there are more, the sentinel that loads the next page when it scrolls into view. */
export function ConversationRows(props: { rows: ListRow[]; accountId: number; state: ListState; openId: number | null; now: number; nextPage: number | null }) {
  const { accountId, state, nextPage } = props;
  return (
    <>
      {props.rows.map((row) => (
        <ConversationRow row={row} accountId={accountId} state={state} open={row.displayId === props.openId} now={props.now} />
      ))}
      {nextPage ? (
        <li class="ws-more" data-next-page={String(nextPage)}>
          <a
            class="btn btn-secondary btn-sm"
            href={withPage(listPageUrl(accountId, state), nextPage)}
            hx-get={fragmentUrl(accountId, state, { part: "rows", page: nextPage })}
            hx-trigger="revealed, click"
            hx-target="closest li"
            hx-swap="outerHTML settle:0"
          >
            Load more
          </a>
        </li>
      ) : null}
    </>
  );
}

export type ListEmpty = "no-inboxes" | "no-conversations" | "filtered" | "mine" | "mentions" | null;

function EmptyList(props: { reason: Exclude<ListEmpty, null>; accountId: number; isAdmin: boolean; state: ListState; counts: ListCounts }) {
  const { reason, accountId, isAdmin, state, counts } = props;
  const allUrl = listPageUrl(accountId, { ...state, tab: "all" });
  const texts: Record<Exclude<ListEmpty, null>, { title: string; text: string }> = {
    "no-inboxes": isAdmin
      ? { title: "No conversations yet", text: "Conversations arrive through an inbox, and this account has none yet. Create one (the website widget, email or the API) and they will show up here." }
      : { title: "You are not in any inbox", text: "Ask an administrator to add you to an inbox; its conversations will show up here." },
    "no-conversations": { title: "No conversations yet", text: "When customers write to one of your inboxes, their conversations show up here, newest first." },
    filtered: { title: "Nothing matches these filters", text: "Try another status, inbox or label, or clear the filters." },
    mine: {
      title: "Nothing assigned to you",
      text: counts.unassigned_count > 0 ? `${counts.unassigned_count} unassigned conversation${counts.unassigned_count === 1 ? " is" : "s are"} waiting for someone to pick them up.` : "Conversations assigned to you show up here.",
    },
    mentions: { title: "No mentions", text: "When a teammate @-mentions you in a private note, the conversation shows up here." },
  };
  const t = texts[reason];
  return (
    <li class="ws-empty" data-empty={reason}>
      <span class="ws-empty-icon" aria-hidden="true">
        <Icon name={reason === "no-inboxes" ? "inbox" : "conversations"} size={22} />
      </span>
      <p class="ws-empty-title">{t.title}</p>
      <p class="ws-empty-text">{t.text}</p>
      {reason === "no-inboxes" && isAdmin ? (
        <a class="btn btn-primary btn-sm" href={accountPath(accountId, "settings/inboxes")}>
          Create an inbox
        </a>
      ) : reason === "mine" && counts.unassigned_count > 0 ? (
        <a class="btn btn-secondary btn-sm" href={listPageUrl(accountId, { ...state, tab: "unassigned" })}>
          Show unassigned
        </a>
      ) : reason === "filtered" ? (
        <a class="btn btn-secondary btn-sm" href={listPageUrl(accountId, { ...state, status: "open", inboxId: null, teamId: null, label: null, priority: null, customView: null })}>
          Clear filters
        </a>
      ) : reason === "no-conversations" && state.tab !== "all" ? (
        <a class="btn btn-secondary btn-sm" href={allUrl}>
          Show all
        </a>
      ) : null}
    </li>
  );
}

export type ListBodyProps = {
  accountId: number;
  state: ListState;
  counts: ListCounts;
  rows: ListRow[];
  nextPage: number | null;
  openId: number | null;
  now: number;
  empty: ListEmpty;
  isAdmin: boolean;
};

/** Tabs with counts and the rows: what a filter change or a live refresh replaces. */
export function ConversationListBody(props: ListBodyProps) {
  const { accountId, state, counts } = props;
  return (
    <div id="conversation-list-body" class="ws-list-body" data-list-url={fragmentUrl(accountId, state)} data-page-url={listPageUrl(accountId, state)}>
      <nav class="ws-tabs" aria-label="Assignee">
        {LIST_TABS.map((t) => {
          const url = listPageUrl(accountId, { ...state, tab: t.value });
          const current = state.tab === t.value;
          return (
            <a
              class={`ws-tab${current ? " is-current" : ""}`}
              href={url}
              hx-get={fragmentUrl(accountId, { ...state, tab: t.value })}
              hx-target="#conversation-list-body"
              hx-swap="outerHTML settle:0"
              aria-current={current ? "page" : undefined}
              data-tab={t.value}
            >
              {t.label}
              <span class="ws-count" data-count={t.value}>
                {counts[t.count]}
              </span>
            </a>
          );
        })}
      </nav>
      <ul id="conversation-rows" class="ws-rows" aria-label="Conversation list">
        {props.empty ? (
          <EmptyList reason={props.empty} accountId={accountId} isAdmin={props.isAdmin} state={state} counts={counts} />
        ) : (
          <ConversationRows rows={props.rows} accountId={accountId} state={state} openId={props.openId} now={props.now} nextPage={props.nextPage} />
        )}
      </ul>
    </div>
  );
}

function Select(props: { name: string; label: string; value: string; options: { value: string; label: string }[]; any?: string }) {
  const id = `ws-filter-${props.name}`;
  return (
    <span class="ws-filter">
      <label for={id} class="visually-hidden">
        {props.label}
      </label>
      <select id={id} name={props.name} class="ws-select" title={props.label}>
        {props.any ? (
          <option value="" selected={props.value === ""}>
            {props.any}
          </option>
        ) : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The whole list pane: heading, filters (a GET form: works without JavaScript), tabs and rows. */
/**
 * The selection bar: shown (static/js/workspace.js) once rows are ticked; each button applies one bulk action to the
 * ticked conversations (POST …/conversations/bulk, the same domain as the bulk_actions API).
 */
function BulkBar(props: { accountId: number; csrf: string; options: ListOptions }) {
  const { options } = props;
  return (
    <form
      id="ws-bulk-form"
      class="ws-bulk"
      method="post"
      action={accountPath(props.accountId, "conversations/bulk")}
      hx-post={accountPath(props.accountId, "conversations/bulk")}
      hx-target="#ws-bulk-result"
      hx-swap="innerHTML settle:0"
      aria-label="Selected conversations"
      hidden
    >
      <CsrfField token={props.csrf} />
      <div class="ws-bulk-top">
        <span class="ws-bulk-count" data-bulk-count aria-live="polite"></span>
        <button type="button" class="btn-link" data-bulk-all>
          Select all
        </button>
        <button type="button" class="btn-link" data-bulk-clear>
          Clear
        </button>
      </div>
      <div class="ws-bulk-actions">
        <button type="submit" class="btn btn-secondary btn-sm" name="action" value="resolve">
          Resolve
        </button>
        <button type="submit" class="btn btn-secondary btn-sm" name="action" value="reopen">
          Reopen
        </button>
        <button type="submit" class="btn btn-secondary btn-sm" name="action" value="pending">
          Pending
        </button>
      </div>
      <div class="ws-bulk-actions">
        <label class="visually-hidden" for="ws-bulk-assignee">
          Assign to
        </label>
        <select id="ws-bulk-assignee" name="assignee_id" class="ws-select">
          <option value="none">Nobody (unassign)</option>
          {options.agents.map((a) => (
            <option value={String(a.id)}>{a.name}</option>
          ))}
        </select>
        <button type="submit" class="btn btn-secondary btn-sm" name="action" value="assign">
          Assign
        </button>
      </div>
      {options.teams.length ? (
        <div class="ws-bulk-actions">
          <label class="visually-hidden" for="ws-bulk-team">
            Team
          </label>
          <select id="ws-bulk-team" name="team_id" class="ws-select">
            <option value="none">No team</option>
            {options.teams.map((t) => (
              <option value={String(t.id)}>{t.name}</option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary btn-sm" name="action" value="team">
            Set team
          </button>
        </div>
      ) : null}
      {options.labels.length ? (
        <div class="ws-bulk-actions">
          <label class="visually-hidden" for="ws-bulk-label">
            Label
          </label>
          <select id="ws-bulk-label" name="label" class="ws-select">
            {options.labels.map((l) => (
              <option value={l}>{l}</option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary btn-sm" name="action" value="label">
            Add label
          </button>
        </div>
      ) : null}
      <div id="ws-bulk-result" class="ws-bulk-result" role="status"></div>
    </form>
  );
}

export function ConversationListPane(props: ListBodyProps & { options: ListOptions; csrf: string }) {
  const { accountId, state, options } = props;
  const action = accountPath(accountId, state.view === "mentions" ? "mentions" : "dashboard");
  return (
    <section id="conversation-list" class="ws-list" aria-label="Conversations">
      <header class="ws-list-header">
        <h1 class="page-title ws-list-title">{state.view === "mentions" ? "Mentions" : "Conversations"}</h1>
        <nav class="ws-views" aria-label="Views">
          <a class={`ws-view${state.view === "inbox" ? " is-current" : ""}`} href={accountPath(accountId, "dashboard")} aria-current={state.view === "inbox" ? "page" : undefined}>
            Inbox
          </a>
          <a class={`ws-view${state.view === "mentions" ? " is-current" : ""}`} href={accountPath(accountId, "mentions")} aria-current={state.view === "mentions" ? "page" : undefined}>
            Mentions
          </a>
        </nav>
        <form class="ws-search" method="get" action={accountPath(accountId, "search")} role="search">
          <label for="ws-search-q" class="visually-hidden">
            Search conversations, messages and contacts
          </label>
          <Icon name="search" size={15} />
          <input id="ws-search-q" type="search" name="q" placeholder="Search…" data-shortcut="search" autocomplete="off" />
          <kbd class="ws-kbd" aria-hidden="true">
            /
          </kbd>
        </form>
      </header>
      <form
        class="ws-filters"
        method="get"
        action={action}
        hx-get={accountPath(accountId, "conversation-list")}
        hx-trigger="change"
        hx-target="#conversation-list-body"
        hx-swap="outerHTML settle:0"
        aria-label="Filters"
      >
        <input type="hidden" name="assignee_type" value={state.tab} />
        {state.view === "mentions" ? <input type="hidden" name="view" value="mentions" /> : null}
        {state.customView != null ? <input type="hidden" name="custom_view" value={String(state.customView)} /> : null}
        <Select name="status" label="Status" value={state.status} options={[...LIST_STATUSES]} />
        <Select name="sort_by" label="Sort by" value={state.sort} options={[...LIST_SORTS]} />
        <Select name="inbox_id" label="Inbox" value={state.inboxId === null ? "" : String(state.inboxId)} any="All inboxes" options={options.inboxes.map((i) => ({ value: String(i.id), label: i.name }))} />
        {options.teams.length ? (
          <Select name="team_id" label="Team" value={state.teamId === null ? "" : String(state.teamId)} any="All teams" options={options.teams.map((t) => ({ value: String(t.id), label: t.name }))} />
        ) : null}
        {options.labels.length ? (
          <Select name="label" label="Label" value={state.label ?? ""} any="All labels" options={options.labels.map((l) => ({ value: l, label: l }))} />
        ) : null}
        <Select name="priority" label="Priority" value={state.priority ?? ""} any="Any priority" options={[...LIST_PRIORITIES]} />
        <noscript>
          <button type="submit" class="btn btn-secondary btn-sm">
            Apply
          </button>
        </noscript>
      </form>
      {options.savedViews && state.view === "inbox" ? (
        <SavedViewsBar accountId={accountId} kind="conversation" views={options.savedViews} currentId={state.customView ?? null} saveHref={`${accountPath(accountId, "custom-views/new")}${listQuery(state, { type: "conversation" }, false)}`} />
      ) : null}
      <BulkBar accountId={accountId} csrf={props.csrf} options={options} />
      <ConversationListBody {...props} />
    </section>
  );
}
