import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { Records } from "../../../domain/conversations/records.ts";
import { firstMessages, search, type SearchResult, type SearchType } from "../../../domain/search/queries.ts";
import { searchContactJson, searchConversationJson, searchMessageJson } from "../../../domain/search/serialize.ts";
import { readQuery } from "../../validate.ts";

const params = z.object({
  q: z.string({ error: "Specify search string with parameter q" }),
  page: z.coerce.number({ error: "must be a positive number" }).int("must be a positive number").min(1, "must be a positive number").max(10_000).optional(),
});

function run(c: Context<AppEnv>, type: SearchType): SearchResult {
  const { q, page } = readQuery(c, params);
  return search(c.var.deps.db, c.var.scope, q, { type, page });
}

function payload(c: Context<AppEnv>, r: SearchResult) {
  const records = new Records(c.var.deps.db, c.var.scope.account.id, c.var.deps.config.publicUrl);
  const out: Record<string, unknown[]> = {};
  if (r.conversations) {
    const firsts = firstMessages(c.var.deps.db, r.conversations.rows);
    out.conversations = r.conversations.rows.map((row) => searchConversationJson(records, row, firsts.get(row.id)));
  }
  if (r.contacts) out.contacts = r.contacts.rows.map(searchContactJson);
  if (r.messages) out.messages = r.messages.rows.map((m) => searchMessageJson(records, m));
  return { payload: out };
}

/** /api/v1/accounts/:account_id/search — Chatwoot's SearchController: all types at once, or one type per path. */
export const searchApiRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(payload(c, run(c, "all"))))
  .get("/conversations", (c) => c.json(payload(c, run(c, "conversations"))))
  .get("/messages", (c) => c.json(payload(c, run(c, "messages"))))
  .get("/contacts", (c) => c.json(payload(c, run(c, "contacts"))));
