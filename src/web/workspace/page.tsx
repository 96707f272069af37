/** @jsxImportSource hono/jsx */
// The conversation workspace pages (dashboard, Mentions, one conversation open) and the list pane's fragments.
// The list uses the same domain query as GET /api/v1/accounts/:id/conversations, so an agent sees exactly what
// the API would show them (inbox membership, custom-role reach), counts included.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../deps.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { Validation } from "../../domain/errors.ts";
import { listConversations, getVisibleConversation, PER_PAGE, type ConversationListParams } from "../../domain/conversations/queries.ts";
import { Records } from "../../domain/conversations/records.ts";
import { conversationPreviews } from "../../domain/conversations/list-previews.ts";
import { labelList, priorityName } from "../../domain/conversations/serialize.ts";
import { availableName } from "../../domain/users/serialize.ts";
import { listInboxes } from "../../domain/inboxes/queries.ts";
import { listLabels } from "../../domain/labels/queries.ts";
import { renderMentions } from "../../domain/messages/mentions.ts";
import { listTeams } from "../../domain/teams/queries.ts";
import { listAgentRows } from "../../domain/agents/queries.ts";
import { bulkUpdateConversations, type BulkChanges } from "../../domain/conversations/bulk.ts";
import {
  ConversationListBody,
  ConversationRows,
  DEFAULT_LIST_STATE,
  defaultTab,
  LIST_PRIORITIES,
  LIST_SORTS,
  LIST_STATUSES,
  LIST_TABS,
  conversationUrl,
  listPageUrl,
  type ListBodyProps,
  type ListEmpty,
  type ListOptions,
  type ListRow,
  type ListState,
} from "../../../views/pages/conversations/list.tsx";
import { WorkspacePage } from "../../../views/pages/conversations/workspace.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import { currentSessionId, currentUser, fragment, isAdmin, isHtmx, render, shellOf, type WebContext } from "../context.ts";
import { conversationPane } from "./conversation.tsx";
import { sidebarPane } from "./sidebar.tsx";
import { savedViewCondition } from "../../domain/custom-filters/filters.ts";
import { customViewRoutes, savedViewChips } from "../custom-views.tsx";
import { slaBadgesFor } from "./sla.tsx";

/** A live refresh re-reads the pages the agent has scrolled through, up to this many. */
const MAX_REFRESH_PAGES = 8;

const values = <T extends { value: string }>(list: readonly T[]) => list.map((o) => o.value) as [T["value"], ...T["value"][]];
const blank = (v: unknown) => (v === "" ? undefined : v);
const optionalId = z.preprocess(
  blank,
  z.coerce.number({ error: "must be a positive integer" }).int("must be a positive integer").min(1, "must be a positive integer").max(2 ** 31).optional(),
);
const optionalEnum = <const T extends readonly [string, ...string[]]>(vals: T) => z.preprocess(blank, z.enum(vals, { error: `must be one of ${vals.join(", ")}` }).optional());

const listQuerySchema = z.object({
  view: optionalEnum(["inbox", "mentions"]),
  assignee_type: optionalEnum(values(LIST_TABS)),
  status: optionalEnum(values(LIST_STATUSES)),
  inbox_id: optionalId,
  team_id: optionalId,
  label: z.string().max(255, "must be at most 255 characters").optional(),
  priority: optionalEnum(values(LIST_PRIORITIES)),
  sort_by: optionalEnum(values(LIST_SORTS)),
  custom_view: optionalId,
  page: optionalId,
  pages: optionalId,
  part: optionalEnum(["rows", "body"]),
});

type ListRequest = { state: ListState; page: number; pages: number; part: "rows" | "body" };

/** The list's state from the query string; a value that does not fit is a 422 naming the parameter. */
function readListQuery(c: WebContext, view?: ListState["view"]): ListRequest {
  const parsed = listQuerySchema.safeParse(c.req.query());
  if (!parsed.success) throw new Validation(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "base", message: i.message })));
  const q = parsed.data;
  const listView = view ?? q.view ?? "inbox";
  const state: ListState = {
    view: listView,
    tab: q.assignee_type ?? defaultTab(listView),
    status: q.status ?? DEFAULT_LIST_STATE.status,
    inboxId: q.inbox_id ?? null,
    teamId: q.team_id ?? null,
    label: q.label?.trim() ? q.label.trim() : null,
    priority: q.priority ?? null,
    sort: q.sort_by ?? DEFAULT_LIST_STATE.sort,
    customView: q.custom_view ?? null,
  };
  return { state, page: Math.min(q.page ?? 1, 100_000), pages: Math.min(q.pages ?? 1, MAX_REFRESH_PAGES), part: q.part ?? "body" };
}

function scopeOf(c: WebContext): AccountScope {
  return resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, c.var.membership.account_id);
}

function domainParams(state: ListState): ConversationListParams {
  return {
    assignee_type: state.tab,
    status: state.status,
    inbox_id: state.inboxId ?? undefined,
    team_id: state.teamId ?? undefined,
    labels: state.label ? [state.label] : undefined,
    priority: state.priority ?? undefined,
    sort_by: state.sort,
    conversation_type: state.view === "mentions" ? "mention" : undefined,
  };
}

const EXCERPT_LENGTH = 140;

function excerptOf(content: string | null, attachments: number): string {
  const text = content ? renderMentions(content).replace(/\s+/g, " ").trim() : "";
  if (!text) return attachments > 0 ? "Attachment" : "";
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text;
}

/** One page of the list as rows for the view: related records read once per page, two lookups per row. */
function listRows(c: WebContext, scope: AccountScope, state: ListState, page: number, perPage: number) {
  const db = c.var.deps.db;
  // A saved view adds its compiled filter (it is the viewer's own; anybody else's id is a 404).
  const condition = state.customView != null ? savedViewCondition(db, scope, state.customView, "conversation", c.var.deps.clock.now()).condition : undefined;
  const { rows, counts } = listConversations(db, scope, { ...domainParams(state), page, per_page: perPage, condition });
  const records = new Records(db, scope.account.id, c.var.deps.config.publicUrl);
  records.loadContacts(rows.map((r) => r.contact_id));
  records.loadUsers(rows.map((r) => r.assignee_id));
  records.loadInboxes(rows.map((r) => r.inbox_id));
  const previews = conversationPreviews(db, rows);
  const slaBadges = slaBadgesFor(c, rows);
  const items: ListRow[] = rows.map((row) => {
    const contact = records.contact(row.contact_id);
    const assignee = records.user(row.assignee_id);
    const preview = previews.get(row.id);
    const last = preview?.last ?? null;
    return {
      displayId: row.display_id,
      status: row.status,
      contactName: contact?.name?.trim() || contact?.email || contact?.phone_number || "Unknown contact",
      contactAvatar: contact?.avatar_url || null,
      inboxName: records.inbox(row.inbox_id)?.inbox.name ?? "",
      excerpt: last ? excerptOf(last.content, last.attachments) : "",
      excerptPrivate: !!last?.private,
      excerptOutgoing: last?.messageType === 1,
      lastActivityAt: row.last_activity_at,
      // As the API: an assignee who has left the account is not shown.
      assigneeName: assignee?.membership ? availableName(assignee.user) : null,
      assigneeAvatar: assignee?.membership ? assignee.user.avatar_url || null : null,
      labels: labelList(row),
      priority: priorityName(row.priority),
      unread: preview?.unread ?? 0,
      sla: slaBadges.get(row.id) ?? null,
    };
  });
  return { items, counts, full: rows.length === perPage };
}

function listOptions(c: WebContext, scope: AccountScope): ListOptions {
  const db = c.var.deps.db;
  let teams: ListOptions["teams"] = [];
  try {
    teams = listTeams(db, scope).map((t) => ({ id: t.team.id, name: t.team.name }));
  } catch {
    // A custom role without team access: no team filter.
  }
  return {
    inboxes: listInboxes(db, scope).map((i) => ({ id: i.inbox.id, name: i.inbox.name })),
    teams,
    labels: listLabels(db, scope.account.id).map((l) => l.title),
    agents: listAgentRows(db, scope.account.id).map((a) => ({ id: a.user.id, name: availableName(a.user) })),
    savedViews: savedViewChips(c, "conversation"),
  };
}

function emptyReason(state: ListState, counts: { mine_count: number; all_count: number }, rows: number, hasInboxes: () => boolean): ListEmpty {
  if (rows > 0) return null;
  if (!hasInboxes()) return "no-inboxes";
  if (state.view === "mentions") return "mentions";
  const filtered = state.status !== "open" || state.inboxId !== null || state.teamId !== null || state.label !== null || state.priority !== null || state.customView != null;
  if (filtered) return "filtered";
  if (state.tab === "me" && counts.all_count > 0) return "mine";
  return "no-conversations";
}

/** The list body's props: page 1 up to `pages` pages (a refresh keeps what the agent had scrolled through). */
function listBody(c: WebContext, scope: AccountScope, req: ListRequest, openId: number | null, options?: ListOptions): ListBodyProps {
  const perPage = PER_PAGE * req.pages;
  const page = req.pages > 1 ? 1 : req.page;
  const { items, counts, full } = listRows(c, scope, req.state, page, perPage);
  const hasInboxes = () => (options ? options.inboxes.length > 0 : listInboxes(c.var.deps.db, scope).length > 0);
  return {
    accountId: scope.account.id,
    state: req.state,
    counts,
    rows: items,
    nextPage: full ? page + req.pages : null,
    openId,
    now: c.var.deps.clock.now(),
    empty: page === 1 ? emptyReason(req.state, counts, items.length, hasInboxes) : null,
    isAdmin: isAdmin(c),
  };
}

function workspace(c: WebContext, req: ListRequest, openId: number | null) {
  const scope = scopeOf(c);
  const options = listOptions(c, scope);
  const list = { ...listBody(c, scope, req, openId, options), options };
  const title = openId !== null ? `Conversation #${openId}` : req.state.view === "mentions" ? "Mentions" : "Conversations";
  return render(
    c,
    <WorkspacePage shell={shellOf(c, "conversations", title)} list={list} conversation={conversationPane(c, openId)} sidebar={sidebarPane(c, openId)} />,
  );
}

/** An htmx request aimed at the conversation pane (not a history restore, which wants the whole page). */
function wantsPane(c: WebContext): boolean {
  return isHtmx(c) && c.req.header("hx-history-restore-request") !== "true" && (c.req.header("hx-target") ?? "").includes("conversation-pane");
}

const bulkForm = z.object({
  ids: z.array(z.coerce.number().int().positive()).min(1, "pick at least one conversation"),
  action: z.enum(["resolve", "reopen", "pending", "assign", "team", "label"]),
  assignee_id: z.string().optional(),
  team_id: z.string().optional(),
  label: z.string().max(255).optional(),
});

const chosenId = (v: string | undefined) => (v === undefined || v === "none" || v === "" ? null : Number(v));

/** The selection bar's action as bulk changes (the same domain function as POST /bulk_actions). */
function bulkChanges(f: z.infer<typeof bulkForm>): BulkChanges {
  if (f.action === "resolve") return { status: "resolved" };
  if (f.action === "reopen") return { status: "open" };
  if (f.action === "pending") return { status: "pending" };
  if (f.action === "assign") return { assignee_id: chosenId(f.assignee_id) };
  if (f.action === "team") return { team_id: chosenId(f.team_id) };
  if (!f.label) throw Validation.field("label", "can't be blank");
  return { labels: { add: [f.label] } };
}

const BULK_DONE: Record<z.infer<typeof bulkForm>["action"], string> = {
  resolve: "Resolved",
  reopen: "Reopened",
  pending: "Marked as pending",
  assign: "Assigned",
  team: "Moved",
  label: "Labelled",
};

export const workspacePageRoutes = new Hono<AppEnv>()
  .route("/", customViewRoutes)
  // The selection bar: one action on the ticked conversations. The list follows by itself (realtime events).
  .post("/conversations/bulk", async (c) => {
    const raw = await c.req.parseBody({ all: true });
    const parsed = bulkForm.safeParse({ ...raw, ids: ([] as unknown[]).concat(raw.ids ?? []) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return c.html(<p class="ws-bulk-error">{`${issue.path.join(".") || "form"}: ${issue.message}`}</p>, 422);
    }
    const scope = scopeOf(c);
    const result = c.var.deps.tx((tx) => bulkUpdateConversations(tx, scope, parsed.data.ids, bulkChanges(parsed.data)));
    if (!isHtmx(c)) return c.redirect(accountPath(scope.account.id, "dashboard"), 303);
    const n = result.updated.length;
    const skipped = result.skipped.length
      ? ` ${result.skipped.length} skipped: ${[...new Set(result.skipped.map((s) => s.reason))].join("; ")}.`
      : "";
    return fragment(c, <p class="ws-bulk-done" data-bulk-done={String(n)}>{`${BULK_DONE[parsed.data.action]} ${n} conversation${n === 1 ? "" : "s"}.${skipped}`}</p>);
  })
  .get("/dashboard", (c) => workspace(c, readListQuery(c, "inbox"), null))
  .get("/mentions", (c) => workspace(c, readListQuery(c, "mentions"), null))
  .get("/conversations/:displayId{[0-9]+}", (c) => {
    const displayId = Number(c.req.param("displayId"));
    const req = readListQuery(c);
    // 404 for a conversation the viewer may not see, before any pane renders.
    getVisibleConversation(c.var.deps.db, scopeOf(c), displayId);
    if (!wantsPane(c)) return workspace(c, req, displayId);
    const sidebar = sidebarPane(c, displayId);
    return c.html(
      <>
        {conversationPane(c, displayId)}
        <template hx type="partial" hx-target="#sidebar-pane" hx-swap="outerHTML settle:0">
          {sidebar}
        </template>
      </>,
      200,
      { "Cache-Control": "no-store", "HX-Push-Url": conversationUrl(scopeOf(c).account.id, displayId, req.state) },
    );
  })
  .get("/conversation-list", (c) => {
    const req = readListQuery(c);
    const scope = scopeOf(c);
    const rawOpen = c.req.query("open") ?? c.req.header("x-parley-open") ?? "";
    const open = /^\d{1,9}$/.test(rawOpen) ? Number(rawOpen) : null;
    const body = listBody(c, scope, req, open);
    if (req.part === "rows") {
      return fragment(c, <ConversationRows rows={body.rows} accountId={body.accountId} state={req.state} openId={open} now={body.now} nextPage={body.nextPage} />);
    }
    // A filter or tab change is a new view of the list: the address bar follows (a live refresh is not).
    const headers: Record<string, string> = { "Cache-Control": "no-store" };
    if (!c.req.query("pages") && isHtmx(c)) {
      headers["HX-Push-Url"] = open === null ? listPageUrl(scope.account.id, req.state) : conversationUrl(scope.account.id, open, req.state);
    }
    return c.html(<ConversationListBody {...body} />, 200, headers);
  });
