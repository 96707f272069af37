/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Alert } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { Time } from "../../components/time.tsx";
import { AppLayout, PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";

/** A piece of text, marked when it matched the query (rendered in <mark>; JSX escapes both kinds). */
export type Segment = { text: string; match: boolean };
export type Snippet = { segments: Segment[]; cutStart: boolean; cutEnd: boolean };

export type SearchTab = "all" | "conversations" | "messages" | "contacts";
export const SEARCH_TABS: { value: SearchTab; label: string }[] = [
  { value: "all", label: "All" },
  { value: "conversations", label: "Conversations" },
  { value: "messages", label: "Messages" },
  { value: "contacts", label: "Contacts" },
];

export type ConversationHit = {
  displayId: number;
  status: string;
  inbox: string;
  contactName: Snippet;
  contactDetail: Snippet | null;
  lastActivityAt: number;
};
export type MessageHit = {
  id: number;
  displayId: number;
  sender: string;
  inbox: string;
  private: boolean;
  incoming: boolean;
  createdAt: number;
  snippet: Snippet;
};
export type ContactHit = { id: number; name: Snippet; plainName: string; email: Snippet | null; phone: Snippet | null; avatarUrl: string | null };
export type Section<T> = { rows: T[]; page: number; hasMore: boolean };

export type SearchView = {
  accountId: number;
  q: string;
  tab: SearchTab;
  now: number;
  /** Contacts are matched from three characters on (trigram index). */
  shortQuery: boolean;
  error: string | null;
  conversations?: Section<ConversationHit>;
  messages?: Section<MessageHit>;
  contacts?: Section<ContactHit>;
};

/** How many of each kind the All tab shows before "View all". */
export const ALL_TAB_ROWS = 5;

function searchHref(accountId: number, q: string, tab: SearchTab, page = 1): string {
  const p = new URLSearchParams({ q });
  if (tab !== "all") p.set("type", tab);
  if (page > 1) p.set("page", String(page));
  return `${accountPath(accountId, "search")}?${p.toString()}`;
}

export function Highlight(props: { snippet: Snippet }) {
  const s = props.snippet;
  return (
    <>
      {s.cutStart ? "…" : null}
      {s.segments.map((seg) => (seg.match ? <mark class="search-mark">{seg.text}</mark> : seg.text))}
      {s.cutEnd ? "…" : null}
    </>
  );
}

const STATUS_CLASS: Record<string, string> = { open: "badge-info", pending: "badge-neutral", snoozed: "badge-neutral", resolved: "badge-success" };

function ConversationList(props: { view: SearchView; rows: ConversationHit[] }) {
  return (
    <ul class="search-list" data-testid="search-conversations">
      {props.rows.map((c) => (
        <li class="search-item">
          <a class="search-item-link" href={accountPath(props.view.accountId, `conversations/${c.displayId}`)} data-display-id={c.displayId}>
            <span class="search-item-head">
              <span class="search-item-title">
                <span class="search-id">#{c.displayId}</span> <Highlight snippet={c.contactName} />
              </span>
              <span class={`badge ${STATUS_CLASS[c.status] ?? "badge-neutral"}`}>{c.status}</span>
            </span>
            {c.contactDetail ? (
              <span class="search-item-sub muted">
                <Highlight snippet={c.contactDetail} />
              </span>
            ) : null}
            <span class="search-item-meta muted">
              <Icon name="inbox" size={14} /> {c.inbox} · <Time at={c.lastActivityAt} now={props.view.now} />
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function MessageList(props: { view: SearchView; rows: MessageHit[] }) {
  return (
    <ul class="search-list" data-testid="search-messages">
      {props.rows.map((m) => (
        <li class={m.private ? "search-item search-item-private" : "search-item"}>
          <a class="search-item-link" href={`${accountPath(props.view.accountId, `conversations/${m.displayId}`)}#message-${m.id}`} data-message-id={m.id}>
            <span class="search-item-head">
              <span class="search-item-title">
                {m.sender}
                <span class="muted"> {m.incoming ? "wrote" : "replied"} in </span>
                <span class="search-id">#{m.displayId}</span>
              </span>
              {m.private ? <span class="badge badge-neutral">Private note</span> : null}
            </span>
            <span class="search-snippet">
              <Highlight snippet={m.snippet} />
            </span>
            <span class="search-item-meta muted">
              <Icon name="inbox" size={14} /> {m.inbox} · <Time at={m.createdAt} now={props.view.now} />
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function ContactList(props: { view: SearchView; rows: ContactHit[] }) {
  return (
    <ul class="search-list" data-testid="search-contacts">
      {props.rows.map((c) => (
        <li class="search-item">
          <a class="search-item-link search-contact" href={accountPath(props.view.accountId, `contacts/${c.id}`)} data-contact-id={c.id}>
            <Avatar name={c.plainName || "?"} url={c.avatarUrl} size="sm" />
            <span class="search-contact-text">
              <span class="search-item-title">
                <Highlight snippet={c.name} />
              </span>
              <span class="search-item-sub muted">
                {c.email ? <Highlight snippet={c.email} /> : null}
                {c.email && c.phone ? " · " : null}
                {c.phone ? <Highlight snippet={c.phone} /> : null}
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

const EMPTY_TEXT: Record<Exclude<SearchTab, "all">, string> = {
  conversations: "No conversations match.",
  messages: "No messages contain these words.",
  contacts: "No contacts match.",
};

function ResultSection<T>(props: {
  view: SearchView;
  kind: Exclude<SearchTab, "all">;
  title: string;
  section: Section<T> | undefined;
  list: (rows: T[]) => unknown;
}) {
  const { view, kind, section } = props;
  if (!section) return null;
  const all = view.tab === "all";
  const rows = all ? section.rows.slice(0, ALL_TAB_ROWS) : section.rows;
  const more = all ? section.rows.length > ALL_TAB_ROWS || section.hasMore : false;
  if (all && rows.length === 0) return null;
  return (
    <section class="card search-section" aria-labelledby={`search-${kind}-title`} data-section={kind}>
      <header class="search-section-header">
        <h2 class="card-title" id={`search-${kind}-title`}>
          {props.title}
        </h2>
        {more ? (
          <a class="link-muted" href={searchHref(view.accountId, view.q, kind)} hx-get={searchHref(view.accountId, view.q, kind)} hx-target="#search-results" hx-swap="outerHTML" hx-push-url="true">
            View all
          </a>
        ) : null}
      </header>
      {rows.length ? (
        props.list(rows)
      ) : (
        <p class="search-none muted">{kind === "contacts" && view.shortQuery ? "Type at least three characters to search contacts." : EMPTY_TEXT[kind]}</p>
      )}
      {!all && (section.page > 1 || section.hasMore) ? (
        <nav class="search-pager" aria-label="Pages">
          {section.page > 1 ? (
            <a class="btn btn-sm btn-secondary" rel="prev" href={searchHref(view.accountId, view.q, kind, section.page - 1)}>
              Previous
            </a>
          ) : (
            <span></span>
          )}
          <span class="muted">Page {section.page}</span>
          {section.hasMore ? (
            <a class="btn btn-sm btn-secondary" rel="next" href={searchHref(view.accountId, view.q, kind, section.page + 1)}>
              Next
            </a>
          ) : (
            <span></span>
          )}
        </nav>
      ) : null}
    </section>
  );
}

/** Tabs and results: what htmx swaps when the query or the tab changes. */
export function SearchResults(props: { view: SearchView }) {
  const v = props.view;
  const nothing = !!v.q && !v.error && !v.conversations?.rows.length && !v.messages?.rows.length && !v.contacts?.rows.length;
  return (
    <div id="search-results" class="search-results stack" aria-live="polite" data-query={v.q}>
      {v.q ? (
        <nav class="search-tabs" aria-label="Result types">
          {SEARCH_TABS.map((t) => (
            <a
              class={t.value === v.tab ? "search-tab is-active" : "search-tab"}
              href={searchHref(v.accountId, v.q, t.value)}
              aria-current={t.value === v.tab ? "page" : undefined}
              hx-get={searchHref(v.accountId, v.q, t.value)}
              hx-target="#search-results"
              hx-swap="outerHTML"
              hx-push-url="true"
              data-tab={t.value}
            >
              {t.label}
            </a>
          ))}
        </nav>
      ) : null}
      {v.error ? (
        <Alert kind="error" title="Check the search" id="search-error">
          {v.error}
        </Alert>
      ) : null}
      {!v.q ? (
        <section class="card card-empty">
          <EmptyState icon="search" title="Search conversations, messages and contacts">
            Type a conversation number (like #42), a contact's name, email or phone number, or words from a message. Press / anywhere to come
            here.
          </EmptyState>
        </section>
      ) : nothing && v.tab === "all" ? (
        <section class="card card-empty">
          <EmptyState icon="search" title={`Nothing found for “${v.q}”`}>
            Messages are matched by whole words; contacts by any part of their name, email, phone number or company
            {v.shortQuery ? " (from three characters on)" : ""}. Try another word or fewer words.
          </EmptyState>
        </section>
      ) : (
        <>
          <ResultSection view={v} kind="conversations" title="Conversations" section={v.conversations} list={(rows) => <ConversationList view={v} rows={rows} />} />
          <ResultSection view={v} kind="messages" title="Messages" section={v.messages} list={(rows) => <MessageList view={v} rows={rows} />} />
          <ResultSection view={v} kind="contacts" title="Contacts" section={v.contacts} list={(rows) => <ContactList view={v} rows={rows} />} />
        </>
      )}
    </div>
  );
}

export function SearchPage(props: { shell: Shell; view: SearchView }) {
  const v = props.view;
  const base = accountPath(v.accountId, "search");
  return (
    <AppLayout shell={props.shell}>
      <PageHeader title="Search" subtitle="Conversations, messages and contacts you can see." />
      <div class="page-body stack-lg search-page">
        <form
          class="card search-form"
          method="get"
          action={base}
          role="search"
          id="search-form"
          hx-get={base}
          hx-target="#search-results"
          hx-swap="outerHTML"
          hx-push-url="true"
          hx-trigger="input changed delay:300ms from:#search-input, submit"
        >
          <Icon name="search" size={18} class="search-form-icon" />
          <label for="search-input" class="visually-hidden">
            Search
          </label>
          <input
            id="search-input"
            type="search"
            name="q"
            value={v.q}
            placeholder="Search by #number, name, email or message words…"
            autocomplete="off"
            maxlength={200}
            autofocus
            data-shortcut="search"
          />
          {v.tab !== "all" ? <input type="hidden" name="type" value={v.tab} /> : null}
          <button type="submit" class="btn btn-primary">
            Search
          </button>
        </form>
        <SearchResults view={v} />
      </div>
    </AppLayout>
  );
}
