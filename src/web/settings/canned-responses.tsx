/** @jsxImportSource hono/jsx */
// Settings → Canned responses: everyone in the account sees the list; administrators add, edit and delete
// through the same domain commands as the API (src/domain/canned-responses).
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { createCannedResponse, deleteCannedResponse, updateCannedResponse } from "../../domain/canned-responses/commands.ts";
import { canManageCannedResponses } from "../../domain/canned-responses/policy.ts";
import { getCannedResponse, listCannedResponses, type CannedResponseRow } from "../../domain/canned-responses/queries.ts";
import { NotFound } from "../../domain/errors.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import {
  CannedResponsePage,
  CannedResponsesPage,
  type CannedResponseFormValues,
  type CannedResponseItem,
} from "../../../views/pages/settings/canned-responses.tsx";
import { currentSessionId, currentUser, render, shellOf, type WebContext } from "../context.ts";
import { fieldErrorsOf } from "../forms.ts";
import { access } from "../settings.tsx";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Canned response created", text: "Agents can insert it now by typing / in the reply box." },
  saved: { kind: "success", title: "Canned response saved" },
  deleted: { kind: "success", title: "Canned response deleted" },
};

const accountId = (c: WebContext) => c.var.membership.account_id;
const listPath = (c: WebContext) => accountPath(accountId(c), "settings/canned-responses");
const scopeOf = (c: WebContext): AccountScope =>
  resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, accountId(c));
const idOf = (raw: string | undefined) => {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFound("Canned response");
  return Number(raw);
};
const itemOf = (r: CannedResponseRow): CannedResponseItem => ({ id: r.id, shortCode: r.short_code, content: r.content });

/** The submitted form; over-long values are kept (cut generously) so the domain names the field. */
async function submitted(c: WebContext): Promise<CannedResponseFormValues> {
  const type = c.req.header("content-type") ?? "";
  const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody() : {};
  const str = (k: string, max: number) => (typeof body[k] === "string" ? (body[k] as string).slice(0, max) : "");
  return { short_code: str("short_code", 1_000).trim(), content: str("content", 200_000).replace(/\r\n/g, "\n") };
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: CannedResponseFormValues; errors?: FieldErrors } = {}) {
  const scope = scopeOf(c);
  const items = listCannedResponses(c.var.deps.db, accountId(c)).map(itemOf);
  const page = (
    <CannedResponsesPage
      shell={shellOf(c, "settings", "Canned responses")}
      access={access(c)}
      items={items}
      canManage={canManageCannedResponses(scope)}
      notice={NOTICES[c.req.query("saved") ?? ""]}
      {...extra}
    />
  );
  return render(c, page, status);
}

function editPage(c: WebContext, row: CannedResponseRow, status: 200 | 422, extra: { values?: CannedResponseFormValues; errors?: FieldErrors } = {}) {
  return render(c, <CannedResponsePage shell={shellOf(c, "settings", `/${row.short_code} · Canned responses`)} access={access(c)} item={itemOf(row)} {...extra} />, status);
}

/** Mounted at /app/accounts/:accountId/settings. */
export const cannedResponseSettingsRoutes = new Hono<AppEnv>()
  .get("/canned-responses", (c) => listPage(c, 200))
  .post("/canned-responses", async (c) => {
    const scope = scopeOf(c);
    const values = await submitted(c);
    try {
      c.var.deps.tx((tx) => createCannedResponse(tx, scope, values));
      return c.redirect(`${listPath(c)}?saved=created`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return listPage(c, 422, { values, errors });
    }
  })
  .get("/canned-responses/:id", (c) => {
    const scope = scopeOf(c);
    const row = getCannedResponse(c.var.deps.db, accountId(c), idOf(c.req.param("id")));
    if (!canManageCannedResponses(scope)) return c.redirect(listPath(c), 303);
    return editPage(c, row, 200);
  })
  .post("/canned-responses/:id", async (c) => {
    const scope = scopeOf(c);
    const row = getCannedResponse(c.var.deps.db, accountId(c), idOf(c.req.param("id")));
    const values = await submitted(c);
    try {
      c.var.deps.tx((tx) => updateCannedResponse(tx, scope, row.id, values));
      return c.redirect(`${listPath(c)}?saved=saved`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return editPage(c, row, 422, { values, errors });
    }
  })
  .post("/canned-responses/:id/delete", (c) => {
    const scope = scopeOf(c);
    const id = idOf(c.req.param("id"));
    c.var.deps.tx((tx) => deleteCannedResponse(tx, scope, id));
    return c.redirect(`${listPath(c)}?saved=deleted`, 303);
  });
