/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { BackLink, CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import { TextArea } from "./inbox.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type RoleItem = { id: number; name: string; description: string | null; permissions: string[]; holders: number };
export type RoleFormValues = { name: string; description: string; permissions: string[] };

/** Chatwoot's custom-role permission keys, with what each lets an agent do. */
export const PERMISSION_HELP: { key: string; label: string; text: string }[] = [
  { key: "conversation_manage", label: "Manage all conversations", text: "See and work on every conversation of the inboxes the agent is a collaborator of." },
  {
    key: "conversation_unassigned_manage",
    label: "Manage unassigned conversations",
    text: "See and pick up unassigned conversations, plus the agent's own.",
  },
  {
    key: "conversation_participating_manage",
    label: "Manage participating conversations",
    text: "Only conversations assigned to the agent or that they participate in.",
  },
  { key: "contact_manage", label: "Manage contacts", text: "Create, edit, merge and import contacts." },
  { key: "report_manage", label: "View reports", text: "Open the account's reports." },
  { key: "knowledge_base_manage", label: "Manage the help center", text: "Write and publish help-center articles." },
];

const labelOf = (key: string) => PERMISSION_HELP.find((p) => p.key === key)?.label ?? key;

function RoleForm(props: { action: string; csrf: string; values: RoleFormValues; errors?: FieldErrors; submit: string; id: string }) {
  const v = props.values;
  const permError = props.errors?.permissions;
  return (
    <CardForm action={props.action} csrf={props.csrf} id={props.id} submit={props.submit}>
      <Field label="Role name" name="name" value={v.name} errors={props.errors} required placeholder="Supervisor" />
      <TextArea label="Description" name="description" value={v.description} errors={props.errors} rows={2} placeholder="Who gets this role and why" />
      <fieldset class="stack-sm role-permissions" aria-describedby={permError ? `${props.id}-permissions-error` : undefined}>
        <legend class="field-label">Permissions</legend>
        <p class="field-hint">The role replaces the built-in agent role for its holders; they still see only the inboxes they are collaborators of.</p>
        {PERMISSION_HELP.map((p) => (
          <label class="checkbox settings-check">
            <input type="checkbox" name="permissions" value={p.key} checked={v.permissions.includes(p.key)} />
            <span>
              <span class="settings-check-label">
                {p.label} <code class="small">{p.key}</code>
              </span>
              <span class="settings-check-hint">{p.text}</span>
            </span>
          </label>
        ))}
        {permError ? (
          <p class="field-error" id={`${props.id}-permissions-error`}>
            {permError}
          </p>
        ) : null}
      </fieldset>
    </CardForm>
  );
}

/** Settings → Custom roles: list and "Add custom role". */
export function CustomRolesPage(props: { shell: Shell; access: SettingsAccess; roles: RoleItem[]; values?: RoleFormValues; errors?: FieldErrors; notice?: Notice }) {
  const base = accountPath(props.shell.accountId, "settings/custom-roles");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="custom-roles"
      title="Custom roles"
      subtitle="Roles between agent and administrator: pick exactly what their holders may do."
      notice={props.notice}
      noticeId="roles-notice"
    >
      <SettingsTable
        items={props.roles}
        label="Custom roles"
        id="roles-table"
        columns={["Role", "Permissions", "Agents", { label: "Actions", class: "col-actions", hidden: true }]}
        empty={{
          icon: "user",
          title: "No custom roles yet",
          short: true,
          text: "Every member is an agent or an administrator. Create a role below, then give it to agents under Settings → Agents.",
        }}
        row={(r) => (
          <tr data-role-id={r.id}>
            <td class="cell-strong">
              {r.name}
              {r.description ? <div class="muted small">{r.description}</div> : null}
            </td>
            <td>
              <div class="role-badges">
                {r.permissions.length ? r.permissions.map((p) => <span class="badge badge-info">{labelOf(p)}</span>) : <span class="muted">None</span>}
              </div>
            </td>
            <td>{r.holders}</td>
            <td>
              <RowActions
                csrf={csrf}
                edit={`${base}/${r.id}`}
                delete={`${base}/${r.id}/delete`}
                confirm={`Delete the role “${r.name}”? Its ${r.holders} agent(s) fall back to the built-in agent role.`}
              />
            </td>
          </tr>
        )}
      />
      <FormCard headingId="add-role-heading" title="Add custom role">
        <RoleForm action={base} csrf={csrf} values={props.values ?? { name: "", description: "", permissions: [] }} errors={props.errors} submit="Create role" id="add-role-form" />
      </FormCard>
    </SettingsFrame>
  );
}

export function CustomRolePage(props: { shell: Shell; access: SettingsAccess; role: RoleItem; values?: RoleFormValues; errors?: FieldErrors }) {
  const r = props.role;
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="custom-roles" title={`Edit role “${r.name}”`} subtitle="Changes apply to every holder on their next request.">
      <FormCard headingId="edit-role-heading" title="Role" actions={<BackLink href={accountPath(props.shell.accountId, "settings/custom-roles")}>Back to roles</BackLink>}>
        <RoleForm
          action={accountPath(props.shell.accountId, `settings/custom-roles/${r.id}`)}
          csrf={props.shell.doc.csrfToken}
          values={props.values ?? { name: r.name, description: r.description ?? "", permissions: r.permissions }}
          errors={props.errors}
          submit="Save role"
          id="edit-role-form"
        />
      </FormCard>
    </SettingsFrame>
  );
}
