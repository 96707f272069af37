/** @jsxImportSource hono/jsx */
// Settings → SLA policies (administrators): list, add, edit and delete through the same domain commands as the
// API (src/domain/sla/policies.ts). Thresholds are entered as hours and minutes and stored in seconds.
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import type { AccountScope } from "../../domain/accounts/access.ts";
import { Forbidden, Validation, type FieldError } from "../../domain/errors.ts";
import { canManageSlaPolicies, createSlaPolicy, deleteSlaPolicy, getSlaPolicy, listSlaPolicies, updateSlaPolicy, type SlaPolicyInput, type SlaPolicyRow } from "../../domain/sla/policies.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import { SLA_TARGETS, SlaPoliciesPage, SlaPolicyPage, type SlaPolicyFormValues, type SlaPolicyItem } from "../../../views/pages/settings/sla.tsx";
import { render, shellOf, type WebContext } from "../context.ts";
import { access } from "../settings.tsx";
import { accountIdOf, idParam, postedText, savedNotice, submitForm, userScopeOf } from "./crud.ts";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "SLA policy created", text: "Apply it from a conversation's sidebar or with an automation rule." },
  saved: { kind: "success", title: "SLA policy saved" },
  deleted: { kind: "success", title: "SLA policy deleted" },
};

const listPath = (c: WebContext) => accountPath(accountIdOf(c), "settings/sla");
const policyId = (c: WebContext) => idParam(c.req.param("id"), "SLA policy");

function adminScope(c: WebContext): AccountScope {
  const scope = userScopeOf(c);
  if (!canManageSlaPolicies(scope)) throw new Forbidden();
  return scope;
}

const itemOf = (p: SlaPolicyRow): SlaPolicyItem => ({
  id: p.id,
  name: p.name,
  description: p.description,
  frt: p.first_response_time_threshold,
  nrt: p.next_response_time_threshold,
  rt: p.resolution_time_threshold,
  businessHoursOnly: p.only_during_business_hours,
});

async function submitted(c: WebContext): Promise<SlaPolicyFormValues> {
  const str = await postedText(c);
  const short = (k: string) => str(k, 20).trim();
  return {
    name: str("name", 1_000),
    description: str("description", 20_000).replace(/\r\n/g, "\n"),
    frt_hours: short("frt_hours"),
    frt_minutes: short("frt_minutes"),
    nrt_hours: short("nrt_hours"),
    nrt_minutes: short("nrt_minutes"),
    rt_hours: short("rt_hours"),
    rt_minutes: short("rt_minutes"),
    only_during_business_hours: str("only_during_business_hours", 10) !== "",
  };
}

/** Hours and minutes → the domain's input in seconds ("" when both are empty); bad numbers are named by threshold. */
function inputOf(v: SlaPolicyFormValues): SlaPolicyInput {
  const errors: FieldError[] = [];
  const input: SlaPolicyInput = { name: v.name, description: v.description, only_during_business_hours: v.only_during_business_hours };
  const fields = v as Record<string, unknown>;
  for (const t of SLA_TARGETS) {
    const h = String(fields[`${t.prefix}_hours`] ?? "");
    const m = String(fields[`${t.prefix}_minutes`] ?? "");
    if (h === "" && m === "") {
      input[t.field] = null;
      continue;
    }
    if (!/^\d{1,7}$/.test(h || "0") || !/^\d{1,7}$/.test(m || "0")) {
      errors.push({ field: t.field, message: "must be whole hours and minutes" });
      continue;
    }
    input[t.field] = Number(h || "0") * 3600 + Number(m || "0") * 60;
  }
  if (errors.length) throw new Validation(errors);
  return input;
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: SlaPolicyFormValues; errors?: FieldErrors } = {}) {
  adminScope(c);
  const items = listSlaPolicies(c.var.deps.db, accountIdOf(c)).map(itemOf);
  return render(c, <SlaPoliciesPage shell={shellOf(c, "settings", "SLA policies")} access={access(c)} items={items} notice={savedNotice(c, NOTICES)} {...extra} />, status);
}

function editPage(c: WebContext, row: SlaPolicyRow, status: 200 | 422, extra: { values?: SlaPolicyFormValues; errors?: FieldErrors } = {}) {
  return render(c, <SlaPolicyPage shell={shellOf(c, "settings", `${row.name} · SLA policies`)} access={access(c)} item={itemOf(row)} {...extra} />, status);
}

/** Mounted at /app/accounts/:accountId/settings. */
export const slaSettingsRoutes = new Hono<AppEnv>()
  .get("/sla", (c) => listPage(c, 200))
  .post("/sla", async (c) => {
    const scope = adminScope(c);
    const values = await submitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createSlaPolicy(tx, scope, inputOf(values))),
      then: () => `${listPath(c)}?saved=created`,
      refused: (errors) => listPage(c, 422, { values, errors }),
    });
  })
  .get("/sla/:id", (c) => {
    adminScope(c);
    return editPage(c, getSlaPolicy(c.var.deps.db, accountIdOf(c), policyId(c)), 200);
  })
  .post("/sla/:id", async (c) => {
    const scope = adminScope(c);
    const row = getSlaPolicy(c.var.deps.db, accountIdOf(c), policyId(c));
    const values = await submitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateSlaPolicy(tx, scope, row.id, inputOf(values))),
      then: () => `${listPath(c)}?saved=saved`,
      refused: (errors) => editPage(c, row, 422, { values, errors }),
    });
  })
  .post("/sla/:id/delete", (c) => {
    const scope = adminScope(c);
    const id = policyId(c);
    c.var.deps.tx((tx) => deleteSlaPolicy(tx, scope, id));
    return c.redirect(`${listPath(c)}?saved=deleted`, 303);
  });
