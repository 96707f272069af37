/** @jsxImportSource hono/jsx */
// Settings → Automation: administrators list, add, edit, enable/disable, clone and delete automation rules through
// the same domain commands as the API (src/domain/automation). The builders post their rows as JSON.
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { AUTOMATION_ACTIONS } from "../../domain/automation/actions.ts";
import {
  authorizeAutomation,
  cloneAutomationRule,
  createAutomationRule,
  deleteAutomationRule,
  getAutomationRule,
  listAutomationRules,
  ruleProblem,
  updateAutomationRule,
  type AutomationRuleRow,
} from "../../domain/automation/commands.ts";
import { builderOptions } from "../../domain/automation/options.ts";
import { uploadAutomationFile } from "../../domain/automation/files.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import { AutomationRulePage, AutomationRulesPage, type ActionValue, type ConditionValue, type RuleFormValues } from "../../../views/pages/settings/automation.tsx";
import { render, shellOf, type WebContext } from "../context.ts";
import { access } from "../settings.tsx";
import { accountIdOf, idParam, postedText, savedNotice, submitForm, userScopeOf } from "./crud.ts";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Automation rule created", text: "It acts on events from now on." },
  saved: { kind: "success", title: "Automation rule saved" },
  cloned: { kind: "success", title: "Automation rule cloned", text: "The copy has the same event, conditions and actions." },
  enabled: { kind: "success", title: "Automation rule enabled" },
  disabled: { kind: "success", title: "Automation rule disabled", text: "It no longer acts until you enable it again." },
  deleted: { kind: "success", title: "Automation rule deleted" },
};

const listPath = (c: WebContext) => accountPath(accountIdOf(c), "settings/automation");
const ruleId = (c: WebContext) => idParam(c.req.param("id"), "Automation rule");

/** A builder's JSON field: an array, or the field named as invalid. */
export function jsonList(raw: unknown): unknown[] | "invalid" {
  if (typeof raw !== "string" || !raw.trim()) return [];
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v) ? v : "invalid";
  } catch {
    return "invalid";
  }
}

/** Rows as the builders re-render them after a refused submit (whatever shape was posted). */
export function asRows<T>(list: unknown[] | "invalid"): T[] {
  return list === "invalid" ? [] : (list.filter((x) => x && typeof x === "object" && !Array.isArray(x)) as T[]);
}

/** A builder form's post: rows that could not be read are refused at once (422 naming them); the rest as submitForm. */
export function submitBuilt<T>(c: WebContext, invalid: FieldErrors, step: Parameters<typeof submitForm<T>>[1]): Promise<Response> {
  if (Object.keys(invalid).length) return Promise.resolve(step.refused(invalid));
  return submitForm(c, step);
}

/** The builders' file picker uploads here (fetch with the CSRF header): → {blob_id, file_name, …} as JSON. */
export async function attachFile(c: WebContext) {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return c.json(await uploadAutomationFile(c.var.deps, userScopeOf(c), (body as Record<string, unknown>).attachment));
}

/** The posted rule: the form's values (to show again when refused), builder rows that could not be read, the domain's input. */
async function submitted(c: WebContext) {
  const str = await postedText(c);
  const conditions = jsonList(str("conditions_json", 200_000));
  const actions = jsonList(str("actions_json", 2_000_000));
  const values: RuleFormValues = {
    name: str("name", 1000),
    description: str("description", 5000),
    event_name: str("event_name", 100),
    conditions: asRows<ConditionValue>(conditions),
    actions: asRows<ActionValue>(actions),
  };
  const invalid: FieldErrors = {};
  if (conditions === "invalid") invalid.conditions = "Could not be read; add them again";
  if (actions === "invalid") invalid.actions = "Could not be read; add them again";
  return { values, invalid, input: { name: values.name, description: values.description, event_name: values.event_name, conditions, actions } };
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: RuleFormValues; errors?: FieldErrors } = {}) {
  const items = listAutomationRules(c.var.deps.db, accountIdOf(c)).map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    event_name: r.event_name,
    conditions: r.conditions.length,
    actions: r.actions.map((a) => a.action_name),
    active: r.active,
    problem: ruleProblem(c.var.deps.db, r, c.var.deps.clock.now()),
  }));
  return render(
    c,
    <AutomationRulesPage
      shell={shellOf(c, "settings", "Automation")}
      access={access(c)}
      items={items}
      options={builderOptions(c.var.deps.db, accountIdOf(c))}
      allowed={AUTOMATION_ACTIONS}
      notice={savedNotice(c, NOTICES)}
      {...extra}
    />,
    status,
  );
}

const valuesOf = (r: AutomationRuleRow): RuleFormValues => ({ name: r.name, description: r.description ?? "", event_name: r.event_name, conditions: r.conditions, actions: r.actions });

function editPage(c: WebContext, row: AutomationRuleRow, status: 200 | 422, extra: { values?: RuleFormValues; errors?: FieldErrors } = {}) {
  return render(
    c,
    <AutomationRulePage
      shell={shellOf(c, "settings", `${row.name} · Automation`)}
      access={access(c)}
      id={row.id}
      values={extra.values ?? valuesOf(row)}
      errors={extra.errors}
      options={builderOptions(c.var.deps.db, accountIdOf(c))}
      allowed={AUTOMATION_ACTIONS}
    />,
    status,
  );
}

/** Mounted at /app/accounts/:accountId/settings. */
export const automationSettingsRoutes = new Hono<AppEnv>()
  .use("/automation/*", async (c, next) => (authorizeAutomation(userScopeOf(c)), next()))
  .use("/automation", async (c, next) => (authorizeAutomation(userScopeOf(c)), next()))
  .get("/automation", (c) => listPage(c, 200))
  .post("/automation/attach_file", (c) => attachFile(c))
  .post("/automation", async (c) => {
    const { values, invalid, input } = await submitted(c);
    return submitBuilt(c, invalid, {
      save: () => c.var.deps.tx((tx) => createAutomationRule(tx, userScopeOf(c), input)),
      then: () => `${listPath(c)}?saved=created`,
      refused: (errors) => listPage(c, 422, { values, errors }),
    });
  })
  .get("/automation/:id", (c) => editPage(c, getAutomationRule(c.var.deps.db, accountIdOf(c), ruleId(c)), 200))
  .post("/automation/:id", async (c) => {
    const row = getAutomationRule(c.var.deps.db, accountIdOf(c), ruleId(c));
    const { values, invalid, input } = await submitted(c);
    return submitBuilt(c, invalid, {
      save: () => c.var.deps.tx((tx) => updateAutomationRule(tx, userScopeOf(c), row.id, input)),
      then: () => `${listPath(c)}?saved=saved`,
      refused: (errors) => editPage(c, row, 422, { values, errors }),
    });
  })
  .post("/automation/:id/toggle", (c) => {
    const row = getAutomationRule(c.var.deps.db, accountIdOf(c), ruleId(c));
    c.var.deps.tx((tx) => updateAutomationRule(tx, userScopeOf(c), row.id, { active: !row.active }));
    return c.redirect(`${listPath(c)}?saved=${row.active ? "disabled" : "enabled"}`, 303);
  })
  .post("/automation/:id/clone", (c) => {
    const id = ruleId(c);
    c.var.deps.tx((tx) => cloneAutomationRule(tx, userScopeOf(c), id));
    return c.redirect(`${listPath(c)}?saved=cloned`, 303);
  })
  .post("/automation/:id/delete", (c) => {
    const id = ruleId(c);
    c.var.deps.tx((tx) => deleteAutomationRule(tx, userScopeOf(c), id));
    return c.redirect(`${listPath(c)}?saved=deleted`, 303);
  });
