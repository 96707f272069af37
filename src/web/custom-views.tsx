/** @jsxImportSource hono/jsx */
// Saved views (custom filters) in the dashboard: the builder page that creates, edits, renames and deletes one,
// through the same domain commands as /api/v1/accounts/:id/custom_filters. The lists open a view by its id in
// the URL (?custom_view=ID), see src/web/workspace/page.tsx and src/web/contacts.tsx.
import { Hono } from "hono";
import type { AppEnv } from "../deps.ts";
import { resolveAccountScope, type AccountScope } from "../domain/accounts/access.ts";
import { listAgentRows } from "../domain/agents/queries.ts";
import { contactFilterResource } from "../domain/contacts/filter.ts";
import { conversationFilterResource } from "../domain/conversations/filter.ts";
import { listDefinitions } from "../domain/custom-attributes/definitions.ts";
import { MODEL_OF, OPERATORS_BY_TYPE, VALUE_TYPE } from "../domain/custom-attributes/filtering.ts";
import { createCustomFilter, deleteCustomFilter, getCustomFilter, listCustomFilters, updateCustomFilter } from "../domain/custom-filters/filters.ts";
import { NotFound, Validation } from "../domain/errors.ts";
import type { FilterResource } from "../domain/filters/engine.ts";
import { listInboxes } from "../domain/inboxes/queries.ts";
import { listLabels } from "../domain/labels/queries.ts";
import { listTeams } from "../domain/teams/queries.ts";
import { availableName } from "../domain/users/serialize.ts";
import { CONVERSATION_STATUSES, PRIORITIES } from "../db/schema/conversations.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import { accountPath } from "../../views/layouts/app.tsx";
import { SavedViewPage, viewListUrl, type AttributeChoice, type ConditionRow, type SavedViewChip, type ViewKind } from "../../views/pages/custom-attributes/saved-views.tsx";
import { currentSessionId, currentUser, render, shellOf, type WebContext } from "./context.ts";
import { fieldErrorsOf } from "./forms.ts";

const ROWS = 4;
const VALUELESS = new Set(["is_present", "is_not_present"]);

const scopeOf = (c: WebContext): AccountScope =>
  resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, c.var.membership.account_id);
const kindOf = (raw: string | undefined): ViewKind => (raw === "contact" ? "contact" : "conversation");
const idOf = (raw: string | undefined) => {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFound("Custom filter");
  return Number(raw);
};

/** The user's saved views of a kind, for the chips above a list. */
export function savedViewChips(c: WebContext, kind: ViewKind): SavedViewChip[] {
  const scope = scopeOf(c);
  if (scope.userId == null) return [];
  return listCustomFilters(c.var.deps.db, scope, kind).map((f) => ({ id: f.id, name: f.name }));
}

const STANDARD: Record<ViewKind, [string, string][]> = {
  conversation: [
    ["status", "Status"],
    ["assignee_id", "Assignee"],
    ["inbox_id", "Inbox"],
    ["team_id", "Team"],
    ["priority", "Priority"],
    ["labels", "Labels"],
    ["browser_language", "Browser language"],
    ["referer", "Referer link"],
    ["created_at", "Created at"],
    ["last_activity_at", "Last activity"],
  ],
  contact: [
    ["name", "Name"],
    ["email", "Email"],
    ["phone_number", "Phone number"],
    ["identifier", "Identifier"],
    ["country_code", "Country code"],
    ["city", "City"],
    ["company", "Company"],
    ["labels", "Labels"],
    ["created_at", "Created at"],
    ["last_activity_at", "Last activity"],
    ["blocked", "Blocked"],
  ],
};

const BOOLEAN_OPTIONS = [
  { value: "true", label: "Yes" },
  { value: "false", label: "No" },
];

/** What the builder offers: the resource's standard attributes and the account's typed custom attributes. */
function choicesFor(c: WebContext, scope: AccountScope, kind: ViewKind): AttributeChoice[] {
  const db = c.var.deps.db;
  const resource: FilterResource = kind === "conversation" ? conversationFilterResource : contactFilterResource;
  const options: Record<string, { value: string; label: string }[]> = {
    labels: listLabels(db, scope.account.id).map((l) => ({ value: l.title, label: l.title })),
    blocked: BOOLEAN_OPTIONS,
  };
  if (kind === "conversation") {
    options.status = CONVERSATION_STATUSES.map((s) => ({ value: s, label: s }));
    options.priority = PRIORITIES.map((p) => ({ value: p, label: p }));
    options.inbox_id = listInboxes(db, scope).map((i) => ({ value: String(i.inbox.id), label: i.inbox.name }));
    options.assignee_id = listAgentRows(db, scope.account.id).map((a) => ({ value: String(a.user.id), label: availableName(a.user) }));
    try {
      options.team_id = listTeams(db, scope).map((t) => ({ value: String(t.team.id), label: t.team.name }));
    } catch {
      options.team_id = [];
    }
  }
  const standard: AttributeChoice[] = STANDARD[kind].flatMap(([key, label]) => {
    const spec = resource.attributes[key];
    if (!spec) return [];
    const opts = options[key] ?? [];
    const input = spec.type === "date" ? "date" : spec.type === "boolean" ? "boolean" : spec.type === "number" && !opts.length ? "number" : "text";
    return [{ value: `standard:${key}`, label, group: "Standard" as const, input, operators: spec.operators, options: opts }];
  });
  const model = MODEL_OF[kind];
  const custom: AttributeChoice[] = listDefinitions(db, scope.account.id, model).map((d) => {
    const type = VALUE_TYPE[d.attribute_display_type];
    return {
      value: `${model}:${d.attribute_key}`,
      label: d.attribute_display_name,
      group: "Custom attributes" as const,
      input: type === "boolean" ? "boolean" : type === "date" ? "date" : type === "number" ? "number" : "text",
      operators: OPERATORS_BY_TYPE[d.attribute_display_type],
      options: d.attribute_display_type === "list" ? d.attribute_values.map((v) => ({ value: v, label: v })) : type === "boolean" ? BOOLEAN_OPTIONS : [],
    };
  });
  return [...standard, ...custom];
}

type Payload = { attribute_key: string; attribute_model: string; filter_operator: string; values: string[]; query_operator: "and" | "or" | null }[];

/**
 * The builder's rows as Chatwoot's payload (blank rows skipped) and, for each payload index, its row. An attribute
 * with fixed options (status, labels, a list…) takes several values for is / is not, separated by commas.
 */
function payloadOf(rows: ConditionRow[], choices: AttributeChoice[]): { payload: Payload; rowOf: number[] } {
  const multi = new Set(choices.filter((c) => c.options.length).map((c) => c.value));
  const payload: Payload = [];
  const rowOf: number[] = [];
  rows.forEach((r, i) => {
    if (!r.attribute) return;
    const at = r.attribute.indexOf(":");
    const model = at > 0 ? r.attribute.slice(0, at) : "standard";
    const key = at > 0 ? r.attribute.slice(at + 1) : r.attribute;
    if (payload.length) payload[payload.length - 1].query_operator = r.join;
    const split = multi.has(r.attribute) && (r.operator === "equal_to" || r.operator === "not_equal_to");
    const values = VALUELESS.has(r.operator) || r.value.trim() === "" ? [] : split ? r.value.split(",").map((v) => v.trim()).filter(Boolean) : [r.value.trim()];
    payload.push({ attribute_key: key, attribute_model: model, filter_operator: r.operator, values, query_operator: null });
    rowOf.push(i);
  });
  return { payload, rowOf };
}

/** A saved payload back as builder rows (plus blank rows to add conditions). */
function rowsOf(query: unknown): ConditionRow[] {
  const payload = (query as { payload?: unknown })?.payload;
  const rows: ConditionRow[] = [];
  if (Array.isArray(payload)) {
    payload.forEach((p: Record<string, unknown>, i) => {
      const model = typeof p.attribute_model === "string" && p.attribute_model !== "customer_attributes" ? p.attribute_model : p.attribute_model === "customer_attributes" ? "contact_attribute" : "standard";
      const values = Array.isArray(p.values) ? p.values : p.values == null ? [] : [p.values];
      const prev = i > 0 ? (payload[i - 1] as Record<string, unknown>) : null;
      rows.push({
        attribute: `${model}:${String(p.attribute_key ?? "")}`,
        operator: String(p.filter_operator ?? "equal_to"),
        value: values.map(String).join(", "),
        join: prev && String(prev.query_operator ?? "and").toLowerCase() === "or" ? "or" : "and",
      });
    });
  }
  while (rows.length < Math.max(ROWS, payload && Array.isArray(payload) ? payload.length + 2 : 0)) rows.push({ attribute: "", operator: "equal_to", value: "", join: "and" });
  return rows;
}

/** Rows prefilled from the list's quick filters (what "Save filter as view" starts from). */
function rowsFromQuery(c: WebContext, kind: ViewKind): ConditionRow[] {
  const q = (k: string) => (c.req.query(k) ?? "").trim().slice(0, 255);
  const rows: ConditionRow[] = [];
  const add = (attribute: string, operator: string, value = "") => rows.push({ attribute: `standard:${attribute}`, operator, value, join: "and" });
  if (kind === "conversation") {
    const status = q("status") || "open";
    if (status !== "all") add("status", "equal_to", status);
    if (/^\d+$/.test(q("inbox_id"))) add("inbox_id", "equal_to", q("inbox_id"));
    if (/^\d+$/.test(q("team_id"))) add("team_id", "equal_to", q("team_id"));
    if (q("label")) add("labels", "equal_to", q("label"));
    if ((PRIORITIES as readonly string[]).includes(q("priority"))) add("priority", "equal_to", q("priority"));
  } else {
    if (q("label")) add("labels", "equal_to", q("label"));
    if (q("country")) add("country_code", "equal_to", q("country"));
    if (q("has_email") === "1") add("email", "is_present");
    if (q("has_phone") === "1") add("phone_number", "is_present");
  }
  return rowsOf({ payload: [] }).map((blank, i) => rows[i] ?? blank).concat(rows.slice(ROWS));
}

async function submittedRows(c: WebContext): Promise<{ name: string; rows: ConditionRow[] }> {
  const type = c.req.header("content-type") ?? "";
  const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody({ all: true }) : {};
  const list = (k: string) => ([] as unknown[]).concat(body[k] ?? []).map((v) => (typeof v === "string" ? v.slice(0, 1000) : ""));
  const attributes = list("attribute").slice(0, 50);
  const operators = list("operator");
  const values = list("value");
  const joins = list("join");
  const rows = attributes.map((attribute, i) => ({ attribute, operator: operators[i] ?? "equal_to", value: values[i] ?? "", join: (joins[i] === "or" ? "or" : "and") as "and" | "or" }));
  const name = typeof body.name === "string" ? body.name.slice(0, 1000) : "";
  return { name, rows };
}

/** Domain errors by form field and by row (query.payload[k].… belongs to the k-th filled row). */
function builderErrors(err: unknown, rowOf: number[]): { errors: FieldErrors; rowErrors: Record<number, string> } | null {
  if (!(err instanceof Validation)) {
    const plain = fieldErrorsOf(err);
    return plain ? { errors: plain, rowErrors: {} } : null;
  }
  const errors: FieldErrors = {};
  const rowErrors: Record<number, string> = {};
  for (const e of err.errors) {
    const m = /^query\.payload\[(\d+)\]\.?(\w*)/.exec(e.field);
    if (m) {
      const row = rowOf[Number(m[1])] ?? 0;
      rowErrors[row] ??= `${(m[2] || "condition").replace(/_/g, " ")} ${e.message}`;
    } else if (e.field === "name") errors.name ??= e.message.charAt(0).toUpperCase() + e.message.slice(1);
    else errors.query ??= e.field === "query.payload" && /blank/.test(e.message) ? "Add at least one condition." : `${e.field.replace(/_/g, " ")} ${e.message}`;
  }
  return { errors, rowErrors };
}

function builderPage(c: WebContext, scope: AccountScope, kind: ViewKind, props: { viewId: number | null; name: string; rows: ConditionRow[]; errors?: FieldErrors; rowErrors?: Record<number, string> }, status: 200 | 422) {
  const title = props.viewId ? `${props.name || "View"} · Views` : "New view";
  return render(c, <SavedViewPage shell={shellOf(c, kind === "conversation" ? "conversations" : "contacts", title)} kind={kind} choices={choicesFor(c, scope, kind)} {...props} />, status);
}

/** Mounted at /app/accounts/:accountId. */
export const customViewRoutes = new Hono<AppEnv>()
  .get("/custom-views/new", (c) => {
    const kind = kindOf(c.req.query("type"));
    return builderPage(c, scopeOf(c), kind, { viewId: null, name: "", rows: rowsFromQuery(c, kind) }, 200);
  })
  .post("/custom-views", async (c) => {
    const scope = scopeOf(c);
    const kind = kindOf(c.req.query("type"));
    const { name, rows } = await submittedRows(c);
    const { payload, rowOf } = payloadOf(rows, choicesFor(c, scope, kind));
    try {
      const view = c.var.deps.tx((tx) => createCustomFilter(tx, scope, { name, filter_type: kind, query: { payload } }));
      return c.redirect(viewListUrl(scope.account.id, kind, view.id), 303);
    } catch (err) {
      const shown = builderErrors(err, rowOf);
      if (!shown) throw err;
      return builderPage(c, scope, kind, { viewId: null, name, rows, ...shown }, 422);
    }
  })
  .get("/custom-views/:id", (c) => {
    const scope = scopeOf(c);
    const view = getCustomFilter(c.var.deps.db, scope, idOf(c.req.param("id")));
    if (view.filter_type === "report") throw new NotFound("Custom filter");
    return builderPage(c, scope, view.filter_type, { viewId: view.id, name: view.name, rows: rowsOf(view.query) }, 200);
  })
  .post("/custom-views/:id", async (c) => {
    const scope = scopeOf(c);
    const view = getCustomFilter(c.var.deps.db, scope, idOf(c.req.param("id")));
    if (view.filter_type === "report") throw new NotFound("Custom filter");
    const { name, rows } = await submittedRows(c);
    const { payload, rowOf } = payloadOf(rows, choicesFor(c, scope, view.filter_type));
    try {
      c.var.deps.tx((tx) => updateCustomFilter(tx, scope, view.id, { name, query: { payload } }));
      return c.redirect(viewListUrl(scope.account.id, view.filter_type, view.id), 303);
    } catch (err) {
      const shown = builderErrors(err, rowOf);
      if (!shown) throw err;
      return builderPage(c, scope, view.filter_type, { viewId: view.id, name, rows, ...shown }, 422);
    }
  })
  .post("/custom-views/:id/delete", (c) => {
    const scope = scopeOf(c);
    const view = getCustomFilter(c.var.deps.db, scope, idOf(c.req.param("id")));
    c.var.deps.tx((tx) => deleteCustomFilter(tx, scope, view.id));
    return c.redirect(accountPath(scope.account.id, view.filter_type === "contact" ? "contacts" : "dashboard"), 303);
  });
