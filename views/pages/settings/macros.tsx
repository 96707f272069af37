/** @jsxImportSource hono/jsx */
import { Icon } from "../../components/icon.tsx";
import { CsrfField, Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { ActionBuilder, actionLabel, type ActionValue, type PickOptions } from "./automation.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type MacroItem = { id: number; name: string; visibility: "personal" | "global"; actions: string[]; author: string | null; canManage: boolean };
export type MacroFormValues = { name: string; visibility: "personal" | "global"; actions: ActionValue[] };

function MacroForm(props: { action: string; base: string; csrf: string; values: MacroFormValues; errors?: FieldErrors; options: PickOptions; allowed: readonly string[]; canShare: boolean; submit: string }) {
  const v = props.values;
  const e = props.errors ?? {};
  return (
    <CardForm action={props.action} csrf={props.csrf} id="macro-form" submit={props.submit} attrs={{ "data-builder-form": "" }}>
      <Field label="Macro name" name="name" value={v.name} errors={e} required placeholder="Escalate to billing" />
      {props.canShare ? (
        <fieldset class={e.visibility ? "macro-visibility-group has-error" : "macro-visibility-group"}>
          <legend class="builder-legend">Who can use it</legend>
          <label class="macro-visibility">
            <input type="radio" name="visibility" value="personal" checked={v.visibility !== "global"} /> Only me
          </label>
          <label class="macro-visibility">
            <input type="radio" name="visibility" value="global" checked={v.visibility === "global"} /> Everyone in the account
          </label>
          {e.visibility ? <p class="field-error">{e.visibility}</p> : null}
        </fieldset>
      ) : (
        <p class="field-hint">Your macros are personal: only you see and run them. Administrators can share macros with everyone.</p>
      )}
      <ActionBuilder allowed={props.allowed} options={props.options} rows={v.actions} errors={e} self uploadUrl={`${props.base}/attach_file`} />
    </CardForm>
  );
}

/** Settings → Macros: the viewer's personal macros and the account's shared ones, with the action editor. */
export function MacrosPage(props: {
  shell: Shell;
  access: SettingsAccess;
  items: MacroItem[];
  options: PickOptions;
  allowed: readonly string[];
  canShare: boolean;
  values?: MacroFormValues;
  errors?: FieldErrors;
  notice?: Notice;
}) {
  const base = accountPath(props.shell.accountId, "settings/macros");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="macros"
      title="Macros"
      subtitle="Saved sequences of actions an agent runs on a conversation in one click, from the conversation's header."
      notice={props.notice}
      noticeId="macros-notice"
    >
      <SettingsTable
        items={props.items}
        label="Macros"
        id="macros-table"
        columns={["Macro", "Actions", "Visibility", { label: "Manage", class: "automation-row-actions", hidden: true }]}
        empty={{
          icon: "layers",
          title: "No macros yet",
          short: true,
          text: "Add one below — for example: add the “billing” label, assign the Billing team, send a short reply and mark the conversation pending.",
        }}
        row={(m) => (
          <tr data-macro-id={m.id}>
            <td>
              <span class="cell-strong">{m.name}</span>
              {m.author ? <span class="automation-description">by {m.author}</span> : null}
            </td>
            <td class="automation-actions-list">{m.actions.map(actionLabel).join(" → ")}</td>
            <td>
              <span class={m.visibility === "global" ? "badge badge-info" : "badge badge-neutral"}>{m.visibility === "global" ? "Everyone" : "Personal"}</span>
            </td>
            <td class="automation-row-actions">
              {m.canManage ? <RowActions csrf={csrf} edit={`${base}/${m.id}`} delete={`${base}/${m.id}/delete`} confirm={`Delete the macro “${m.name}”?`} /> : null}
            </td>
          </tr>
        )}
      />
      <FormCard headingId="add-macro-heading" title="Add macro" wide>
        <MacroForm
          action={base}
          base={base}
          csrf={csrf}
          values={props.values ?? { name: "", visibility: "personal", actions: [] }}
          errors={props.errors}
          options={props.options}
          allowed={props.allowed}
          canShare={props.canShare}
          submit="Create macro"
        />
      </FormCard>
    </SettingsFrame>
  );
}

export function MacroPage(props: { shell: Shell; access: SettingsAccess; id: number; values: MacroFormValues; errors?: FieldErrors; options: PickOptions; allowed: readonly string[]; canShare: boolean }) {
  const base = accountPath(props.shell.accountId, "settings/macros");
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="macros" title={`Edit “${props.values.name}”`}>
      <p>
        <a href={base}>← All macros</a>
      </p>
      <section class="card">
        <MacroForm action={`${base}/${props.id}`} base={base} csrf={props.shell.doc.csrfToken} values={props.values} errors={props.errors} options={props.options} allowed={props.allowed} canShare={props.canShare} submit="Save macro" />
      </section>
    </SettingsFrame>
  );
}

/** Alpine modifiers contain dots, which JSX attribute names cannot: they are spread in. */
const MENU_EVENTS = { "x-on:keydown.escape": "closeAndFocus", "x-on:click.outside": "close" };

/**
 * The conversation header's "Run macro" menu: one click runs a macro on this conversation (a plain form post,
 * so it works without JavaScript; the page comes back with the macro's changes in the timeline).
 */
export function MacroMenu(props: { accountId: number; displayId: number; csrfToken: string; macros: { id: number; name: string }[] }) {
  const base = accountPath(props.accountId, "settings/macros");
  return (
    <div class="snooze-menu macro-menu" x-data="menu" {...MENU_EVENTS}>
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        x-ref="button"
        x-on:click="toggle"
        x-bind:aria-expanded="open"
        aria-haspopup="true"
        aria-controls="macro-menu-panel"
        data-testid="macro-menu"
        title="Run macro"
      >
        <Icon name="layers" size={15} />
        <span class="visually-hidden">Run macro</span>
      </button>
      <div class="menu menu-down snooze-panel macro-menu-list" id="macro-menu-panel" x-show="open" x-cloak role="menu">
        <p class="menu-heading">Run a macro</p>
        {props.macros.length === 0 ? (
          <p class="macro-menu-empty">
            No macros yet. <a href={base}>Create one</a>
          </p>
        ) : (
          props.macros.map((m) => (
            <form method="post" action={`${base}/${m.id}/run`} class="menu-form" data-macro-run>
              <CsrfField token={props.csrfToken} />
              <input type="hidden" name="conversation_id" value={String(props.displayId)} />
              <button type="submit" class="menu-item" role="menuitem" data-testid={`run-macro-${m.id}`}>
                {m.name}
              </button>
            </form>
          ))
        )}
      </div>
    </div>
  );
}
