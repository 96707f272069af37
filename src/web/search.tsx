/** @jsxImportSource hono/jsx */
// Dashboard → Search: one query across conversations, messages and contacts (src/domain/search), with tabs,
// the matched words highlighted and pages of 15. An htmx request (typing, a tab) gets the results only.
import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import { resolveAccountScope } from "../domain/accounts/access.ts";
import { Records, type ContactRow } from "../domain/conversations/records.ts";
import { Validation } from "../domain/errors.ts";
import { highlight, type Highlighted } from "../domain/search/highlight.ts";
import { MAX_QUERY_LENGTH, MIN_CONTACT_QUERY, search, SEARCH_TYPES, type SearchResult, type SearchType } from "../domain/search/queries.ts";
import { availableName } from "../domain/users/serialize.ts";
import { SearchPage, SearchResults, type ContactHit, type ConversationHit, type MessageHit, type SearchView } from "../../views/pages/search/index.tsx";
import { currentSessionId, currentUser, fragment, isHtmx, render, shellOf, type WebContext } from "./context.ts";

const plain = (text: string): Highlighted => ({ segments: text ? [{ text, match: false }] : [], cutStart: false, cutEnd: false });

function contactField(value: string | null, q: string): Highlighted | null {
  return value ? highlight(value, [q.toLowerCase()], "substring", 120) : null;
}

function contactHit(c: ContactRow, q: string): ContactHit {
  return {
    id: c.id,
    plainName: c.name ?? "",
    name: c.name ? highlight(c.name, [q.toLowerCase()], "substring", 120) : plain("Unnamed contact"),
    email: contactField(c.email, q),
    phone: contactField(c.phone_number, q),
    avatarUrl: c.avatar_url ?? null,
  };
}

function viewOf(c: WebContext, q: string, tab: SearchType, r: SearchResult | null, error: string | null): SearchView {
  const view: SearchView = { accountId: c.var.membership.account_id, q, tab, now: c.var.deps.clock.now(), shortQuery: [...q].length < MIN_CONTACT_QUERY, error };
  if (!r) return view;
  const records = new Records(c.var.deps.db, view.accountId, c.var.deps.config.publicUrl);
  const lower = q.toLowerCase();
  if (r.conversations) {
    const rows = r.conversations.rows;
    records.loadContacts(rows.map((x) => x.contact_id));
    records.loadInboxes(rows.map((x) => x.inbox_id));
    view.conversations = {
      ...r.conversations,
      rows: rows.map((x): ConversationHit => {
        const contact = records.contact(x.contact_id);
        const detail = contact?.email ?? contact?.phone_number ?? null;
        return {
          displayId: x.display_id,
          status: x.status,
          inbox: records.inbox(x.inbox_id)?.inbox.name ?? "",
          contactName: contact?.name ? highlight(contact.name, [lower], "substring", 120) : plain("Unknown contact"),
          contactDetail: detail ? highlight(detail, [lower], "substring", 120) : null,
          lastActivityAt: x.last_activity_at,
        };
      }),
    };
  }
  if (r.messages) {
    const rows = r.messages.rows;
    records.loadInboxes(rows.map((m) => m.inbox_id));
    view.messages = {
      ...r.messages,
      rows: rows.map((m): MessageHit => {
        let sender = "Parley";
        if (m.sender_type === "User") {
          const u = records.user(m.sender_id);
          sender = u ? availableName(u.user) : "Former agent";
        } else if (m.sender_type === "Contact") sender = records.contact(m.sender_id)?.name || "Contact";
        else if (m.sender_type === "AgentBot") sender = "Bot";
        return {
          id: m.id,
          displayId: m.display_id,
          sender,
          inbox: records.inbox(m.inbox_id)?.inbox.name ?? "",
          private: m.private,
          incoming: m.message_type === 0,
          createdAt: m.created_at,
          snippet: highlight(m.content ?? "", r.terms, "word"),
        };
      }),
    };
  }
  if (r.contacts) view.contacts = { ...r.contacts, rows: r.contacts.rows.map((x) => contactHit(x, q)) };
  return view;
}

/** /app/accounts/:accountId/search?q=&type=&page= */
export const searchRoutes = new Hono<AppEnv>().get("/", (c) => {
  const q = (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH);
  const rawType = c.req.query("type") ?? "all";
  const tab: SearchType = (SEARCH_TYPES as readonly string[]).includes(rawType) ? (rawType as SearchType) : "all";
  const rawPage = Number(c.req.query("page") ?? "1");
  const page = Number.isInteger(rawPage) && rawPage >= 1 && rawPage <= 10_000 ? rawPage : 1;
  let result: SearchResult | null = null;
  let error: string | null = null;
  if (q) {
    const scope = resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, c.var.membership.account_id);
    try {
      result = search(c.var.deps.db, scope, q, { type: tab, page });
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      error = err.errors.map((e) => e.message).join(", ");
    }
  }
  const view = viewOf(c, q, tab, result, error);
  if (isHtmx(c)) return fragment(c, <SearchResults view={view} />);
  return render(c, <SearchPage shell={shellOf(c, "search", q ? `Search: ${q}` : "Search")} view={view} />);
});
