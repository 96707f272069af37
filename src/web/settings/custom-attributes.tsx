/** @jsxImportSource hono/jsx */
// Settings → Custom attributes: everyone in the account sees the definitions; administrators add, edit and
// delete them through the same domain commands as the API (src/domain/custom-attributes).
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { isAdministrator } from "../../domain/accounts/access.ts";
import { createDefinition, deleteDefinition, getDefinition, listDefinitions, updateDefinition, type DefinitionRow } from "../../domain/custom-attributes/definitions.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { accountPath } from "../../../views/layouts/app.tsx";
import {
  CustomAttributePage,
  CustomAttributesPage,
  type AttributeFormValues,
  type AttributeItem,
  type AttributeTab,
} from "../../../views/pages/settings/custom-attributes.tsx";
import { valueText, type TypedAttribute } from "../../../views/pages/custom-attributes/typed-attributes.tsx";
import { render, shellOf, type WebContext } from "../context.ts";
import { fieldErrorsOf } from "../forms.ts";
import { access } from "../settings.tsx";
import { accountIdOf, idParam, postedText, savedNotice, submitForm, userScopeOf } from "./crud.ts";

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Attribute created", text: "Agents can fill it in from the sidebar now." },
  saved: { kind: "success", title: "Attribute saved" },
  deleted: { kind: "success", title: "Attribute deleted", text: "Values already stored stay on the records as free attributes." },
};

const listPath = (c: WebContext, tab: AttributeTab) => `${accountPath(accountIdOf(c), "settings/custom-attributes")}?model=${tab}`;
const idOf = (raw: string | undefined) => idParam(raw, "Custom attribute definition");
const tabOf = (c: WebContext): AttributeTab => (c.req.query("model") === "contact" ? "contact" : "conversation");
const modelOf = (tab: AttributeTab) => (tab === "contact" ? "contact_attribute" : "conversation_attribute");
const tabOfRow = (d: DefinitionRow): AttributeTab => (d.attribute_model === "contact_attribute" ? "contact" : "conversation");

const itemOf = (d: DefinitionRow): AttributeItem => ({
  id: d.id,
  name: d.attribute_display_name,
  key: d.attribute_key,
  type: d.attribute_display_type,
  description: d.attribute_description,
  options: d.attribute_values,
  regexPattern: d.regex_pattern,
  regexCue: d.regex_cue,
});

const valuesOf = (d: DefinitionRow): AttributeFormValues => ({
  attribute_display_name: d.attribute_display_name,
  attribute_key: d.attribute_key,
  attribute_display_type: d.attribute_display_type,
  attribute_description: d.attribute_description ?? "",
  attribute_values: d.attribute_values.join("\n"),
  regex_pattern: d.regex_pattern ?? "",
  regex_cue: d.regex_cue ?? "",
});

/** A key from a display name, as the dashboard suggests it ("Order number" → "order_number"). */
export function keyFromName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_.-]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

async function submitted(c: WebContext): Promise<AttributeFormValues> {
  const str = await postedText(c);
  return {
    attribute_display_name: str("attribute_display_name", 1_000),
    attribute_key: str("attribute_key", 1_000).trim(),
    attribute_display_type: str("attribute_display_type", 40),
    attribute_description: str("attribute_description", 5_000),
    attribute_values: str("attribute_values", 50_000).replace(/\r\n/g, "\n"),
    regex_pattern: str("regex_pattern", 1_000),
    regex_cue: str("regex_cue", 1_000),
  };
}

function inputOf(v: AttributeFormValues, tab: AttributeTab | null) {
  return {
    attribute_display_name: v.attribute_display_name,
    attribute_key: v.attribute_key || keyFromName(v.attribute_display_name),
    attribute_display_type: v.attribute_display_type,
    attribute_description: v.attribute_description,
    attribute_values: v.attribute_values.split("\n"),
    regex_pattern: v.regex_pattern,
    regex_cue: v.regex_cue,
    ...(tab ? { attribute_model: modelOf(tab) } : {}),
  };
}

/** Domain errors by form field (an option's error belongs to the options box). */
function formErrors(err: unknown): FieldErrors | null {
  const errors = fieldErrorsOf(err);
  if (!errors) return null;
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) out[k.startsWith("attribute_values") ? "attribute_values" : k] ??= v;
  return out;
}

function listPage(c: WebContext, status: 200 | 422, extra: { values?: AttributeFormValues; errors?: FieldErrors } = {}) {
  const scope = userScopeOf(c);
  const tab = tabOf(c);
  const items = listDefinitions(c.var.deps.db, accountIdOf(c), modelOf(tab)).map(itemOf);
  const page = (
    <CustomAttributesPage
      shell={shellOf(c, "settings", "Custom attributes")}
      access={access(c)}
      tab={tab}
      items={items}
      canManage={isAdministrator(scope)}
      notice={savedNotice(c, NOTICES)}
      {...extra}
    />
  );
  return render(c, page, status);
}

function editPage(c: WebContext, row: DefinitionRow, status: 200 | 422, extra: { values?: AttributeFormValues; errors?: FieldErrors } = {}) {
  const page = (
    <CustomAttributePage
      shell={shellOf(c, "settings", `${row.attribute_display_name} · Custom attributes`)}
      access={access(c)}
      item={itemOf(row)}
      tab={tabOfRow(row)}
      values={extra.values ?? valuesOf(row)}
      errors={extra.errors}
    />
  );
  return render(c, page, status);
}

/** Mounted at /app/accounts/:accountId/settings. */
export const customAttributeSettingsRoutes = new Hono<AppEnv>()
  .get("/custom-attributes", (c) => listPage(c, 200))
  .post("/custom-attributes", async (c) => {
    const scope = userScopeOf(c);
    const tab = tabOf(c);
    const values = await submitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => createDefinition(tx, scope, inputOf(values, tab))),
      then: () => `${listPath(c, tab)}&saved=created`,
      refused: (errors) => listPage(c, 422, { values, errors }),
      errorsOf: formErrors,
    });
  })
  .get("/custom-attributes/:id", (c) => {
    const scope = userScopeOf(c);
    const row = getDefinition(c.var.deps.db, accountIdOf(c), idOf(c.req.param("id")));
    if (!isAdministrator(scope)) return c.redirect(listPath(c, tabOfRow(row)), 303);
    return editPage(c, row, 200);
  })
  .post("/custom-attributes/:id", async (c) => {
    const scope = userScopeOf(c);
    const row = getDefinition(c.var.deps.db, accountIdOf(c), idOf(c.req.param("id")));
    const values = await submitted(c);
    return submitForm(c, {
      save: () => c.var.deps.tx((tx) => updateDefinition(tx, scope, row.id, inputOf(values, null))),
      then: () => `${listPath(c, tabOfRow(row))}&saved=saved`,
      refused: (errors) => editPage(c, row, 422, { values, errors }),
      errorsOf: formErrors,
    });
  })
  .post("/custom-attributes/:id/delete", (c) => {
    const scope = userScopeOf(c);
    const row = getDefinition(c.var.deps.db, accountIdOf(c), idOf(c.req.param("id")));
    c.var.deps.tx((tx) => deleteDefinition(tx, scope, row.id));
    return c.redirect(`${listPath(c, tabOfRow(row))}&saved=deleted`, 303);
  });

/**
 * The defined attributes of a record for the typed sidebar and contact-page controls, in the settings order,
 * and the record's other keys (free attributes, shown as plain key/values).
 */
export function typedAttributesOf(
  db: WebContext["var"]["deps"]["db"],
  accountId: number,
  model: "conversation_attribute" | "contact_attribute",
  values: Record<string, unknown>,
): { typed: TypedAttribute[]; definedKeys: Set<string> } {
  const defs = listDefinitions(db, accountId, model);
  return {
    typed: defs.map((d) => ({
      key: d.attribute_key,
      name: d.attribute_display_name,
      type: d.attribute_display_type,
      description: d.attribute_description,
      options: d.attribute_values,
      cue: d.regex_cue,
      value: valueText(values[d.attribute_key]),
    })),
    definedKeys: new Set(defs.map((d) => d.attribute_key)),
  };
}
