/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { BackLink, CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import { TextArea } from "./inbox.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type LabelItem = { id: number; title: string; description: string | null; color: string; showOnSidebar: boolean };
export type LabelFormValues = { title: string; description: string; color: string; show_on_sidebar: boolean };

/** A colour dot. SVG presentation attributes are not inline styles, so the CSP allows them. */
export function LabelSwatch(props: { color: string; size?: number }) {
  const size = props.size ?? 14;
  return (
    <svg class="label-swatch" width={size} height={size} viewBox="0 0 14 14" aria-hidden="true">
      <circle cx="7" cy="7" r="6" fill={props.color} stroke="rgba(0,0,0,0.12)" stroke-width="1" />
    </svg>
  );
}

/** `<input type=color>` takes #rrggbb only: #rgb is spelled out, #rrggbbaa shown without its alpha. */
function colorForInput(color: string): string {
  if (/^#[0-9a-fA-F]{3}$/.test(color)) return `#${[...color.slice(1)].map((ch) => ch + ch).join("")}`.toLowerCase();
  if (/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(color)) return color.slice(0, 7).toLowerCase();
  return "#1f93ff";
}

function LabelForm(props: { action: string; csrf: string; values: LabelFormValues; errors?: FieldErrors; submit: string; id: string }) {
  const v = props.values;
  const colorError = props.errors?.color;
  return (
    <CardForm action={props.action} csrf={props.csrf} id={props.id} submit={props.submit}>
      <div class="label-form-row">
        <Field
          label="Label name"
          name="title"
          value={v.title}
          errors={props.errors}
          required
          placeholder="billing"
          hint="Letters, numbers, hyphens and underscores; stored in lower case."
        />
        <div class={colorError ? "field has-error" : "field"} x-data="labelColor">
          <div class="field-label-row">
            <label for={`${props.id}-color`}>Colour</label>
          </div>
          <input
            type="color"
            id={`${props.id}-color`}
            name="color"
            value={colorForInput(v.color)}
            class="label-color-input"
            x-ref="input"
            x-on:input="update"
            aria-invalid={colorError ? "true" : undefined}
          />
          <span class="label-color-value" x-text="value">
            {v.color}
          </span>
          {colorError ? <p class="field-error">{colorError}</p> : null}
        </div>
      </div>
      <TextArea label="Description" name="description" value={v.description} errors={props.errors} rows={2} placeholder="What this label means" />
      <label class="checkbox">
        <input type="checkbox" name="show_on_sidebar" value="1" checked={v.show_on_sidebar} /> Show in the conversation sidebar
      </label>
    </CardForm>
  );
}

/** Settings → Labels: the account's labels and "Add label". */
export function LabelsPage(props: { shell: Shell; access: SettingsAccess; labels: LabelItem[]; values?: LabelFormValues; errors?: FieldErrors; notice?: Notice }) {
  const base = accountPath(props.shell.accountId, "settings/labels");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="labels"
      title="Labels"
      subtitle="Tag conversations and contacts to sort, filter and report on them."
      notice={props.notice}
      noticeId="labels-notice"
    >
      <SettingsTable
        items={props.labels}
        label="Labels"
        id="labels-table"
        columns={["Label", "Description", "Sidebar", { label: "Actions", class: "col-actions", hidden: true }]}
        empty={{
          icon: "layers",
          title: "No labels yet",
          short: true,
          text: (
            <>
              Create labels like <code>billing</code> or <code>vip</code> below; agents then add them to conversations from the sidebar, and you can filter the
              conversation list by them.
            </>
          ),
        }}
        row={(l) => (
          <tr data-label-id={l.id}>
            <td class="cell-strong">
              <span class="label-title">
                <LabelSwatch color={l.color} />
                {l.title}
              </span>
            </td>
            <td class="muted">{l.description || "—"}</td>
            <td>{l.showOnSidebar ? <span class="badge badge-success">Shown</span> : <span class="badge badge-neutral">Hidden</span>}</td>
            <td>
              <RowActions
                csrf={csrf}
                edit={`${base}/${l.id}`}
                delete={`${base}/${l.id}/delete`}
                confirm={`Delete the label “${l.title}”? It is removed from every conversation and contact.`}
              />
            </td>
          </tr>
        )}
      />
      <FormCard headingId="add-label-heading" title="Add label">
        <LabelForm
          action={base}
          csrf={csrf}
          values={props.values ?? { title: "", description: "", color: "#1f93ff", show_on_sidebar: true }}
          errors={props.errors}
          submit="Create label"
          id="add-label-form"
        />
      </FormCard>
    </SettingsFrame>
  );
}

/** One label's edit form. */
export function LabelPage(props: { shell: Shell; access: SettingsAccess; label: LabelItem; values?: LabelFormValues; errors?: FieldErrors }) {
  const l = props.label;
  const base = accountPath(props.shell.accountId, `settings/labels/${l.id}`);
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="labels"
      title={`Edit label “${l.title}”`}
      subtitle="Renaming a label renames it on every conversation and contact that carries it."
    >
      <FormCard headingId="edit-label-heading" title="Label" actions={<BackLink href={accountPath(props.shell.accountId, "settings/labels")}>Back to labels</BackLink>}>
        <LabelForm
          action={base}
          csrf={props.shell.doc.csrfToken}
          values={props.values ?? { title: l.title, description: l.description ?? "", color: l.color, show_on_sidebar: l.showOnSidebar }}
          errors={props.errors}
          submit="Save label"
          id="edit-label-form"
        />
      </FormCard>
    </SettingsFrame>
  );
}
