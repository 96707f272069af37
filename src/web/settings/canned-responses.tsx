/** @jsxImportSource hono/jsx */
// Settings → Canned responses: everyone in the account sees the list; administrators add, edit and delete
// through the same domain commands as the API (src/domain/canned-responses).
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { createCannedResponse, deleteCannedResponse, updateCannedResponse } from "../../domain/canned-responses/commands.ts";
import { canManageCannedResponses } from "../../domain/canned-responses/policy.ts";
import { getCannedResponse, listCannedResponses, type CannedResponseRow } from "../../domain/canned-responses/queries.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import {
  CannedResponsePage,
  CannedResponsesPage,
  type CannedResponseFormValues,
  type CannedResponseItem,
} from "../../../views/pages/settings/canned-responses.tsx";
import { render, shellOf, type WebContext } from "../context.ts";
import { access } from "../settings.tsx";
import { accountIdOf, idParam, postedText, savedNotice, submitForm, userScopeOf } from "./crud.ts";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Canned response created", text: "Agents can insert it now by typing / in the reply box." },
  saved: { kind: "success", title: "Canned response saved" },
  deleted: { kind: "success", title: "Canned response deleted" },
};

const listPath = (c: WebContext) => accountPath(accountIdOf(c), "settings/canned-responses");
const idOf = (raw: string | undefined) => idParam(raw, "Canned response");
const itemOf = (r: CannedResponseRow): CannedResponseItem => ({ id: r.id, shortCode: r.short_code, content: r.content });

async function submitted(c: WebContext): Promise<CannedResponseFormValues> {
  const field = await postedText(c);
  return { short_code: field("short_code", 1_000).trim(), content: field("content", 200_000).replace(/\r\n/g, "\n") };
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: CannedResponseFormValues; errors?: FieldErrors } = {}) {
  const scope = userScopeOf(c);
  const items = listCannedResponses(c.var.deps.db, accountIdOf(c)).map(itemOf);
  const page = (
    <CannedResponsesPage
      shell={shellOf(c, "settings", "Canned responses")}
      access={access(c)}
      items={items}
      canManage={canManageCannedResponses(scope)}
      notice={savedNotice(c, NOTICES)}
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
    const scope = userScopeOf(c);
    const values = await submitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createCannedResponse(tx, scope, values)),
      then: () => `${listPath(c)}?saved=created`,
      refused: (errors) => listPage(c, 422, { values, errors }),
    });
  })
  .get("/canned-responses/:id", (c) => {
    const scope = userScopeOf(c);
    const row = getCannedResponse(c.var.deps.db, accountIdOf(c), idOf(c.req.param("id")));
    if (!canManageCannedResponses(scope)) return c.redirect(listPath(c), 303);
    return editPage(c, row, 200);
  })
  .post("/canned-responses/:id", async (c) => {
    const scope = userScopeOf(c);
    const row = getCannedResponse(c.var.deps.db, accountIdOf(c), idOf(c.req.param("id")));
    const values = await submitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateCannedResponse(tx, scope, row.id, values)),
      then: () => `${listPath(c)}?saved=saved`,
      refused: (errors) => editPage(c, row, 422, { values, errors }),
    });
  })
  .post("/canned-responses/:id/delete", (c) => {
    const scope = userScopeOf(c);
    const id = idOf(c.req.param("id"));
    c.var.deps.tx((tx) => deleteCannedResponse(tx, scope, id));
    return c.redirect(`${listPath(c)}?saved=deleted`, 303);
  });
