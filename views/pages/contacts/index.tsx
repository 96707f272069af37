/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Alert, NoticeAlert, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { Time } from "../../components/time.tsx";
import { AppLayout, PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { SavedViewsBar, type SavedViewChip } from "../custom-attributes/saved-views.tsx";

export type ContactListItem = {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  company: string;
  location: string;
  avatarUrl: string | null;
  lastActivityAt: number | null;
  createdAt: number;
};

/** The list's state, exactly as it sits in the URL. */
export type ContactListState = {
  q: string;
  has_email: boolean;
  has_phone: boolean;
  label: string;
  created_since: string;
  country: string;
  sort: string;
  page: number;
  /** A saved view (custom filter id) applied on top. */
  custom_view?: number | null;
};

export const SORT_OPTIONS: { value: string; label: string }[] = [
  { value: "-last_activity_at", label: "Last activity" },
  { value: "name", label: "Name (A–Z)" },
  { value: "-name", label: "Name (Z–A)" },
  { value: "-created_at", label: "Newest" },
  { value: "created_at", label: "Oldest" },
];

/** The query string of a list state (defaults left out), for links and the export. */
export function listQuery(s: ContactListState, overrides: Partial<ContactListState> = {}): string {
  const v = { ...s, ...overrides };
  const p = new URLSearchParams();
  if (v.q) p.set("q", v.q);
  if (v.has_email) p.set("has_email", "1");
  if (v.has_phone) p.set("has_phone", "1");
  if (v.label) p.set("label", v.label);
  if (v.created_since) p.set("created_since", v.created_since);
  if (v.country) p.set("country", v.country);
  if (v.sort) p.set("sort", v.sort);
  if (v.page > 1) p.set("page", String(v.page));
  if (v.custom_view != null) p.set("custom_view", String(v.custom_view));
  const s2 = p.toString();
  return s2 ? `?${s2}` : "";
}

export type ContactResultsProps = {
  accountId: number;
  state: ContactListState;
  rows: ContactListItem[];
  count: number;
  perPage: number;
  now: number;
  /** Any filter or search in effect (decides between "no results" and the first-run empty state). */
  filtered: boolean;
  admin: boolean;
  error?: string | null;
};

function SortHeader(props: { label: string; field: string; state: ContactListState; base: string }) {
  const current = props.state.sort;
  const active = current === props.field || current === `-${props.field}`;
  const next = current === props.field ? `-${props.field}` : props.field;
  const dir = current === props.field ? "ascending" : current === `-${props.field}` ? "descending" : undefined;
  return (
    <th scope="col" aria-sort={dir}>
      <a class={active ? "sort-link is-active" : "sort-link"} href={`${props.base}${listQuery(props.state, { sort: next, page: 1 })}`}>
        {props.label}
        {active ? <span aria-hidden="true">{current.startsWith("-") ? " ↓" : " ↑"}</span> : null}
      </a>
    </th>
  );
}

/** The table and pager: the part htmx swaps when the search or a filter changes. */
export function ContactResults(props: ContactResultsProps) {
  const base = accountPath(props.accountId, "contacts");
  const { state } = props;
  const pages = Math.max(1, Math.ceil(props.count / props.perPage));
  const first = props.count === 0 ? 0 : (state.page - 1) * props.perPage + 1;
  const last = Math.min(props.count, state.page * props.perPage);
  return (
    <div
      id="contacts-results"
      class="contacts-results"
      aria-live="polite"
      hx-get={`${base}${listQuery(state)}`}
      hx-trigger="contacts-changed from:document"
      hx-swap="outerHTML"
    >
      {props.error ? (
        <Alert kind="error" title="Check the filters" id="contacts-filter-error">
          {props.error}
        </Alert>
      ) : null}
      {props.rows.length === 0 ? (
        props.filtered ? (
          <section class="card card-empty">
            <EmptyState icon="search" title="No contacts match" actions={<a class="btn btn-secondary" href={base}>Clear search and filters</a>}>
              Try another spelling or fewer filters. Search looks at names, emails, phone numbers, identifiers and companies.
            </EmptyState>
          </section>
        ) : (
          <section class="card card-empty">
            <EmptyState
              icon="contacts"
              title="No contacts yet"
              actions={
                props.admin ? (
                  <a class="btn btn-primary" href={`${base}/import`}>
                    <Icon name="upload" size={16} /> Import contacts
                  </a>
                ) : undefined
              }
            >
              Contacts arrive on their own: everyone who writes through the website widget or an inbox becomes one, integrations add them
              through the API (POST /contacts), and administrators can import a CSV file.
            </EmptyState>
          </section>
        )
      ) : (
        <section class="card table-card" aria-label="Contacts">
          <table class="table contacts-table" id="contacts-table">
            <thead>
              <tr>
                <SortHeader label="Name" field="name" state={state} base={base} />
                <th scope="col" class="col-email">Email</th>
                <th scope="col" class="col-phone">Phone</th>
                <th scope="col" class="col-company">Company</th>
                <th scope="col" class="col-location">Location</th>
                <SortHeader label="Last activity" field="last_activity_at" state={state} base={base} />
                <SortHeader label="Created" field="created_at" state={state} base={base} />
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr data-contact-id={r.id}>
                  <td class="cell-strong">
                    <a class="contact-cell" href={`${base}/${r.id}`}>
                      <Avatar name={r.name || r.email || "?"} url={r.avatarUrl} size="sm" />
                      <span class="contact-cell-text">
                        <span class="contact-name contact-ellipsis">{r.name || <span class="muted">Unnamed contact</span>}</span>
                        <span class="contact-sub muted contact-ellipsis">{r.email ?? r.phone ?? ""}</span>
                      </span>
                    </a>
                  </td>
                  <td class="col-email truncate">{r.email ?? <span class="muted">—</span>}</td>
                  <td class="col-phone">{r.phone ?? <span class="muted">—</span>}</td>
                  <td class="col-company truncate">{r.company || <span class="muted">—</span>}</td>
                  <td class="col-location truncate">{r.location || <span class="muted">—</span>}</td>
                  <td class="col-time">{r.lastActivityAt ? <Time at={r.lastActivityAt} now={props.now} /> : <span class="muted">—</span>}</td>
                  <td class="col-time">
                    <Time at={r.createdAt} now={props.now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            <span class="muted" data-testid="contacts-count">
              {first}–{last} of {props.count}
            </span>
            <span class="pager-links">
              {state.page > 1 ? (
                <a class="btn btn-sm btn-secondary" rel="prev" href={`${base}${listQuery(state, { page: state.page - 1 })}`}>
                  Previous
                </a>
              ) : null}
              <span class="muted">
                Page {state.page} of {pages}
              </span>
              {state.page < pages ? (
                <a class="btn btn-sm btn-secondary" rel="next" href={`${base}${listQuery(state, { page: state.page + 1 })}`}>
                  Next
                </a>
              ) : null}
            </span>
          </nav>
        </section>
      )}
    </div>
  );
}

export function ContactsPage(props: ContactResultsProps & { shell: Shell; labels: string[]; notice?: Notice | null; savedViews?: SavedViewChip[] }) {
  const base = accountPath(props.accountId, "contacts");
  const s = props.state;
  const exportHref = `${base}/export.csv${listQuery(s, { page: 1 })}`;
  const filtersOn = s.has_email || s.has_phone || Boolean(s.label || s.created_since || s.country);
  return (
    <AppLayout shell={props.shell}>
      <PageHeader
        title="Contacts"
        subtitle="The people and companies you talk to."
        actions={
          props.admin ? (
            <span class="contacts-actions">
              <a class="btn btn-secondary" href={`${base}/import`} data-testid="import-contacts">
                <Icon name="upload" size={16} /> Import
              </a>
              <a class="btn btn-secondary" href={exportHref} id="export-contacts" download>
                <Icon name="fileText" size={16} /> Export CSV
              </a>
            </span>
          ) : undefined
        }
      />
      <div class="page-body stack-lg">
        <NoticeAlert notice={props.notice} id="contacts-notice" />
        {props.savedViews ? (
          <SavedViewsBar accountId={props.accountId} kind="contact" views={props.savedViews} currentId={s.custom_view ?? null} saveHref={`${accountPath(props.accountId, "custom-views/new")}${listQuery(s, { page: 1 })}${listQuery(s, { page: 1 }) ? "&" : "?"}type=contact`} />
        ) : null}
        <form
          class="card contacts-filters"
          method="get"
          action={base}
          id="contacts-filters"
          role="search"
          hx-get={base}
          hx-target="#contacts-results"
          hx-swap="outerHTML"
          hx-push-url="true"
          hx-trigger="input changed delay:300ms from:#f-contacts-q, change, submit"
          data-export-base={`${base}/export.csv`}
        >
          {s.custom_view != null ? <input type="hidden" name="custom_view" value={String(s.custom_view)} /> : null}
          <div class="contacts-search">
            <Icon name="search" size={16} class="contacts-search-icon" />
            <label for="f-contacts-q" class="visually-hidden">
              Search contacts
            </label>
            <input id="f-contacts-q" type="search" name="q" value={s.q} placeholder="Search name, email, phone, company…" autocomplete="off" maxlength={200} />
            <button type="button" class="btn btn-secondary btn-sm contacts-filter-toggle" id="contacts-filter-toggle" aria-controls="contacts-filter-row" aria-expanded={filtersOn ? "true" : "false"}>
              Filters
            </button>
          </div>
          <div class={filtersOn ? "contacts-filter-row is-open" : "contacts-filter-row"} id="contacts-filter-row">
            <label class="checkbox">
              <input type="checkbox" name="has_email" value="1" checked={s.has_email} /> Has email
            </label>
            <label class="checkbox">
              <input type="checkbox" name="has_phone" value="1" checked={s.has_phone} /> Has phone
            </label>
            <label class="filter-field">
              <span>Label</span>
              <select name="label" class="select">
                <option value="">Any</option>
                {props.labels.map((l) => (
                  <option value={l} selected={l === s.label}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            <label class="filter-field">
              <span>Created since</span>
              <input type="date" name="created_since" value={s.created_since} />
            </label>
            <label class="filter-field">
              <span>Country</span>
              <input type="text" name="country" value={s.country} placeholder="DE or Germany" maxlength={60} />
            </label>
            <label class="filter-field">
              <span>Sort</span>
              <select name="sort" class="select">
                {SORT_OPTIONS.map((o) => (
                  <option value={o.value} selected={o.value === s.sort}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" class="btn btn-secondary btn-sm">
              Apply
            </button>
          </div>
        </form>
        <ContactResults {...props} />
      </div>
    </AppLayout>
  );
}
