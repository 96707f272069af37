/** @jsxImportSource hono/jsx */
// Settings → SLA policies (administrators): list, add, edit and delete through the same domain commands as the
// API (src/domain/sla/policies.ts). Thresholds are entered as hours and minutes and stored in seconds.
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { Forbidden, NotFound, Validation, type FieldError } from "../../domain/errors.ts";
import { canManageSlaPolicies, createSlaPolicy, deleteSlaPolicy, getSlaPolicy, listSlaPolicies, updateSlaPolicy, type SlaPolicyInput, type SlaPolicyRow } from "../../domain/sla/policies.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import { SLA_TARGETS, SlaPoliciesPage, SlaPolicyPage, type SlaPolicyFormValues, type SlaPolicyItem } from "../../../views/pages/settings/sla.tsx";
import { currentSessionId, currentUser, render, shellOf, type WebContext } from "../context.ts";
import { fieldErrorsOf } from "../forms.ts";
import { access } from "../settings.tsx";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "SLA policy created", text: "Apply it from a conversation's sidebar or with an automation rule." },
  saved: { kind: "success", title: "SLA policy saved" },
  deleted: { kind: "success", title: "SLA policy deleted" },
};

const accountId = (c: WebContext) => c.var.membership.account_id;
const listPath = (c: WebContext) => accountPath(accountId(c), "settings/sla");

function adminScope(c: WebContext): AccountScope {
  const scope = resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, accountId(c));
  if (!canManageSlaPolicies(scope)) throw new Forbidden();
  return scope;
}

const idOf = (raw: string | undefined) => {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFound("SLA policy");
  return Number(raw);
};

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
  const type = c.req.header("content-type") ?? "";
  const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody() : {};
  const str = (k: string, max: number) => (typeof body[k] === "string" ? (body[k] as string).slice(0, max) : "");
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
  const items = listSlaPolicies(c.var.deps.db, accountId(c)).map(itemOf);
  return render(
    c,
    <SlaPoliciesPage shell={shellOf(c, "settings", "SLA policies")} access={access(c)} items={items} notice={NOTICES[c.req.query("saved") ?? ""]} {...extra} />,
    status,
  );
}

function editPage(c: WebContext, row: SlaPolicyRow, status: 200 | 422, extra: { values?: SlaPolicyFormValues; errors?: FieldErrors } = {}) {
  return render(c, <SlaPolicyPage shell={shellOf(c, "settings", `${row.name} · SLA policies`)} access={access(c)} item={itemOf(row)} {...extra} />, status);
}

/** Saves, then redirects; a refused form is shown again (422) with the errors beside its fields. */
function saveOr(c: WebContext, save: () => void, then: string, refused: (errors: FieldErrors) => Response | Promise<Response>) {
  try {
    save();
    return c.redirect(then, 303);
  } catch (err) {
    const errors = fieldErrorsOf(err);
    if (!errors) throw err;
    return refused(errors);
  }
}

/** Mounted at /app/accounts/:accountId/settings. */
export const slaSettingsRoutes = new Hono<AppEnv>()
  .get("/sla", (c) => listPage(c, 200))
  .post("/sla", async (c) => {
    const scope = adminScope(c);
    const values = await submitted(c);
    return saveOr(c, () => void c.var.deps.tx((tx) => createSlaPolicy(tx, scope, inputOf(values))), `${listPath(c)}?saved=created`, (errors) => listPage(c, 422, { values, errors }));
  })
  .get("/sla/:id", (c) => {
    adminScope(c);
    return editPage(c, getSlaPolicy(c.var.deps.db, accountId(c), idOf(c.req.param("id"))), 200);
  })
  .post("/sla/:id", async (c) => {
    const scope = adminScope(c);
    const row = getSlaPolicy(c.var.deps.db, accountId(c), idOf(c.req.param("id")));
    const values = await submitted(c);
    return saveOr(c, () => void c.var.deps.tx((tx) => updateSlaPolicy(tx, scope, row.id, inputOf(values))), `${listPath(c)}?saved=saved`, (errors) => editPage(c, row, 422, { values, errors }));
  })
  .post("/sla/:id/delete", (c) => {
    const scope = adminScope(c);
    const id = idOf(c.req.param("id"));
    c.var.deps.tx((tx) => deleteSlaPolicy(tx, scope, id));
    return c.redirect(`${listPath(c)}?saved=deleted`, 303);
  });
