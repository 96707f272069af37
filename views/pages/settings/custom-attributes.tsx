/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { BackLink, CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import { TextArea } from "./inbox.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type AttributeTab = "conversation" | "contact";
export const ATTRIBUTE_TYPES = [
  { value: "text", label: "Text" },
  { value: "number", label: "Number" },
  { value: "currency", label: "Currency" },
  { value: "percent", label: "Percent" },
  { value: "link", label: "Link" },
  { value: "date", label: "Date" },
  { value: "list", label: "List" },
  { value: "checkbox", label: "Checkbox" },
] as const;

export type AttributeItem = {
  id: number;
  name: string;
  key: string;
  type: string;
  description: string | null;
  options: string[];
  regexPattern: string | null;
  regexCue: string | null;
};
export type AttributeFormValues = {
  attribute_display_name: string;
  attribute_key: string;
  attribute_display_type: string;
  attribute_description: string;
  attribute_values: string;
  regex_pattern: string;
  regex_cue: string;
};

export const EMPTY_ATTRIBUTE_FORM: AttributeFormValues = {
  attribute_display_name: "",
  attribute_key: "",
  attribute_display_type: "text",
  attribute_description: "",
  attribute_values: "",
  regex_pattern: "",
  regex_cue: "",
};

const typeLabel = (type: string) => ATTRIBUTE_TYPES.find((t) => t.value === type)?.label ?? type;

/** The add/edit form; list options and the text pattern show only for their type (all show without JavaScript). */
function AttributeForm(props: { action: string; csrf: string; values: AttributeFormValues; errors?: FieldErrors; submit: string; id: string; editing: boolean }) {
  const v = props.values;
  const e = props.errors ?? {};
  return (
    <CardForm action={props.action} csrf={props.csrf} id={props.id} submit={props.submit} attrs={{ "x-data": "customAttributeForm", "data-type": v.attribute_display_type }}>
      <div class="ca-form-grid">
        <Field label="Display name" name="attribute_display_name" value={v.attribute_display_name} errors={e} required placeholder="Order number" />
        <Field
          label="Key"
          name="attribute_key"
          value={v.attribute_key}
          errors={e}
          placeholder="order_number"
          hint={props.editing ? "Stored values live under this key; changing it leaves them under the old one." : "Letters, numbers, _ . and -. Left empty, it is made from the display name."}
        />
      </div>
      <div class={e.attribute_display_type ? "field has-error" : "field"}>
        <div class="field-label-row">
          <label for="f-attribute_display_type">Type</label>
        </div>
        <select class="select" id="f-attribute_display_type" name="attribute_display_type" x-model="type" aria-invalid={e.attribute_display_type ? "true" : undefined}>
          {ATTRIBUTE_TYPES.map((t) => (
            <option value={t.value} selected={v.attribute_display_type === t.value}>
              {t.label}
            </option>
          ))}
        </select>
        {e.attribute_display_type ? <p class="field-error">{e.attribute_display_type}</p> : null}
      </div>
      <TextArea label="Description" name="attribute_description" value={v.attribute_description} errors={e} rows={2} placeholder="What agents should record here" />
      <div class="ca-type-fields" x-show="isList" data-type-fields="list">
        <TextArea
          label="List options"
          name="attribute_values"
          value={v.attribute_values}
          errors={e}
          rows={4}
          hint="One option per line. Values must be one of these."
          placeholder={"Free\nPro\nEnterprise"}
        />
      </div>
      <div class="ca-type-fields ca-form-grid" x-show="isText" data-type-fields="text">
        <Field label="Regex pattern (optional)" name="regex_pattern" value={v.regex_pattern} errors={e} placeholder="^ORD-\d+$" hint="Text values must match it." />
        <Field label="Regex cue" name="regex_cue" value={v.regex_cue} errors={e} placeholder="Order numbers look like ORD-123" hint="Shown when a value does not match." />
      </div>
    </CardForm>
  );
}

/** Settings → Custom attributes: typed attributes of conversations and contacts, one tab each. */
export function CustomAttributesPage(props: {
  shell: Shell;
  access: SettingsAccess;
  tab: AttributeTab;
  items: AttributeItem[];
  canManage: boolean;
  values?: AttributeFormValues;
  errors?: FieldErrors;
  notice?: Notice;
}) {
  const base = accountPath(props.shell.accountId, "settings/custom-attributes");
  const csrf = props.shell.doc.csrfToken;
  const noun = props.tab === "conversation" ? "conversation" : "contact";
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="custom-attributes"
      title="Custom attributes"
      subtitle="Typed details you track on conversations and contacts: agents edit them in the sidebar, and filters and views use them."
      notice={props.notice}
      noticeId="custom-attributes-notice"
    >
      <nav class="settings-tabs" aria-label="Attribute model">
        {(["conversation", "contact"] as const).map((t) => (
          <a href={`${base}?model=${t}`} class={t === props.tab ? "settings-tab is-active" : "settings-tab"} aria-current={t === props.tab ? "page" : undefined} data-tab={t}>
            {t === "conversation" ? "Conversation" : "Contact"}
          </a>
        ))}
      </nav>
      <SettingsTable
        items={props.items}
        label={`${noun} attributes`}
        id="custom-attributes-table"
        columns={["Name", "Key", "Type", "Details", props.canManage ? { label: "Actions", class: "ca-actions", hidden: true } : null]}
        empty={{
          icon: "layers",
          title: `No ${noun} attributes yet`,
          short: true,
          text: props.canManage ? <>Add one below — a plan, an order number, a renewal date — and agents can fill it in on every {noun}.</> : <>An administrator can define {noun} attributes here.</>,
        }}
        row={(a) => (
          <tr data-attribute-key={a.key}>
            <td class="cell-strong">
              {a.name}
              {a.description ? <span class="ca-description">{a.description}</span> : null}
            </td>
            <td>
              <code>{a.key}</code>
            </td>
            <td>
              <span class="badge">{typeLabel(a.type)}</span>
            </td>
            <td class="ca-details">{a.type === "list" ? a.options.join(", ") : a.regexPattern ? <code>{a.regexPattern}</code> : <span class="muted">—</span>}</td>
            {props.canManage ? (
              <td class="ca-actions">
                <RowActions csrf={csrf} edit={`${base}/${a.id}`} delete={`${base}/${a.id}/delete`} confirm={`Delete the attribute “${a.name}”? Stored values stay as free attributes.`} />
              </td>
            ) : null}
          </tr>
        )}
      />
      {props.canManage ? (
        <FormCard headingId="add-attribute-heading" title={`Add ${noun} attribute`}>
          <AttributeForm
            action={`${base}?model=${props.tab}`}
            csrf={csrf}
            values={props.values ?? EMPTY_ATTRIBUTE_FORM}
            errors={props.errors}
            submit="Create attribute"
            id="add-attribute-form"
            editing={false}
          />
        </FormCard>
      ) : null}
    </SettingsFrame>
  );
}

/** One attribute's edit form. */
export function CustomAttributePage(props: { shell: Shell; access: SettingsAccess; item: AttributeItem; tab: AttributeTab; values: AttributeFormValues; errors?: FieldErrors }) {
  const list = accountPath(props.shell.accountId, "settings/custom-attributes");
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="custom-attributes"
      title={`Edit “${props.item.name}”`}
      subtitle={`A ${props.tab} attribute. Changes apply to the next value written.`}
    >
      <FormCard headingId="edit-attribute-heading" title="Custom attribute" actions={<BackLink href={`${list}?model=${props.tab}`}>Back to custom attributes</BackLink>}>
        <AttributeForm action={`${list}/${props.item.id}`} csrf={props.shell.doc.csrfToken} values={props.values} errors={props.errors} submit="Save attribute" id="edit-attribute-form" editing />
      </FormCard>
    </SettingsFrame>
  );
}
