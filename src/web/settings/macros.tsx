/** @jsxImportSource hono/jsx */
// Settings → Macros: everyone sees the account's shared macros and their own; agents make personal macros,
// administrators may share them. Same domain commands as the API (src/domain/macros).
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { isAdministrator } from "../../domain/accounts/access.ts";
import { MACRO_ACTIONS } from "../../domain/automation/actions.ts";
import { builderOptions } from "../../domain/automation/options.ts";
import { createMacro, deleteMacro, executeMacro, getMacro, listMacros, macrosJson, updateMacro, type MacroRow } from "../../domain/macros/commands.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import type { ActionValue } from "../../../views/pages/settings/automation.tsx";
import { MacroPage, MacrosPage, type MacroFormValues } from "../../../views/pages/settings/macros.tsx";
import { render, shellOf, type WebContext } from "../context.ts";
import { access } from "../settings.tsx";
import { asRows, attachFile, jsonList, submitBuilt } from "./automation.tsx";
import { accountIdOf, idParam, postedText, savedNotice, userScopeOf } from "./crud.ts";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Macro created", text: "Run it from the Run macro menu (the layers button) in a conversation's header." },
  saved: { kind: "success", title: "Macro saved" },
  deleted: { kind: "success", title: "Macro deleted" },
};

const listPath = (c: WebContext) => accountPath(accountIdOf(c), "settings/macros");

async function submitted(c: WebContext) {
  const str = await postedText(c);
  const actions = jsonList(str("actions_json", 2_000_000));
  const visibility = str("visibility", 20) === "global" ? "global" : "personal";
  const values: MacroFormValues = { name: str("name", 1000), visibility, actions: asRows<ActionValue>(actions) };
  const invalid: FieldErrors = actions === "invalid" ? { actions: "Could not be read; add them again" } : {};
  return { values, invalid, input: { name: values.name, visibility, actions } };
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: MacroFormValues; errors?: FieldErrors } = {}) {
  const scope = userScopeOf(c);
  const rows = listMacros(c.var.deps.db, scope);
  const json = macrosJson(c.var.deps.db, rows);
  const items = rows.map((m, i) => ({
    id: m.id,
    name: m.name,
    visibility: m.visibility,
    actions: m.actions.map((a) => a.action_name),
    author: json[i].created_by?.available_name ?? null,
    canManage: m.visibility === "global" ? isAdministrator(scope) : m.created_by_id === scope.userId,
  }));
  return render(
    c,
    <MacrosPage
      shell={shellOf(c, "settings", "Macros")}
      access={access(c)}
      items={items}
      options={builderOptions(c.var.deps.db, accountIdOf(c))}
      allowed={MACRO_ACTIONS}
      canShare={isAdministrator(scope)}
      notice={savedNotice(c, NOTICES)}
      {...extra}
    />,
    status,
  );
}

function editPage(c: WebContext, row: MacroRow, status: 200 | 422, extra: { values?: MacroFormValues; errors?: FieldErrors } = {}) {
  return render(
    c,
    <MacroPage
      shell={shellOf(c, "settings", `${row.name} · Macros`)}
      access={access(c)}
      id={row.id}
      values={extra.values ?? { name: row.name, visibility: row.visibility, actions: row.actions }}
      errors={extra.errors}
      options={builderOptions(c.var.deps.db, accountIdOf(c))}
      allowed={MACRO_ACTIONS}
      canShare={isAdministrator(userScopeOf(c))}
    />,
    status,
  );
}

/** Mounted at /app/accounts/:accountId/settings. */
export const macroSettingsRoutes = new Hono<AppEnv>()
  .get("/macros", (c) => listPage(c, 200))
  .post("/macros/attach_file", (c) => attachFile(c))
  .post("/macros", async (c) => {
    const { values, invalid, input } = await submitted(c);
    return submitBuilt(c, invalid, {
      save: () => c.var.deps.tx((tx) => createMacro(tx, userScopeOf(c), input)),
      then: () => `${listPath(c)}?saved=created`,
      refused: (errors) => listPage(c, 422, { values, errors }),
    });
  })
  .get("/macros/:id", (c) => editPage(c, getMacro(c.var.deps.db, userScopeOf(c), idParam(c.req.param("id"), "Macro")), 200))
  .post("/macros/:id", async (c) => {
    const scope = userScopeOf(c);
    const row = getMacro(c.var.deps.db, scope, idParam(c.req.param("id"), "Macro"));
    const { values, invalid, input } = await submitted(c);
    return submitBuilt(c, invalid, {
      save: () => c.var.deps.tx((tx) => updateMacro(tx, scope, row.id, input)),
      then: () => `${listPath(c)}?saved=saved`,
      refused: (errors) => editPage(c, row, 422, { values, errors }),
    });
  })
  // The conversation header's Run macro menu: runs it on that conversation, then back to the conversation.
  .post("/macros/:id/run", async (c) => {
    const id = idParam(c.req.param("id"), "Macro");
    const body = await c.req.parseBody();
    const displayId = idParam(typeof body.conversation_id === "string" ? body.conversation_id : undefined, "Conversation");
    executeMacro(c.var.deps, userScopeOf(c), id, [displayId]);
    return c.redirect(accountPath(accountIdOf(c), `conversations/${displayId}`), 303);
  })
  .post("/macros/:id/delete", (c) => {
    const id = idParam(c.req.param("id"), "Macro");
    c.var.deps.tx((tx) => deleteMacro(tx, userScopeOf(c), id));
    return c.redirect(`${listPath(c)}?saved=deleted`, 303);
  });
