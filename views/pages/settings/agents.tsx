/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { AVAILABILITY_LABELS, Avatar, type Availability } from "../../components/avatar.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Alert, CsrfField, Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { FormCard } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

// Settings → Agents (the help-center article "How to invite agents and manage your support team?").
// Modals are <dialog>s: static/js/settings.js opens them (data-account-team-dialog); without JavaScript the
// trigger links reload the page with the dialog rendered open (?modal=…), and a form that failed validation
// comes back with its dialog open and the errors under the fields.

export type RoleOption = { value: string; label: string; description?: string };
export type AgentItem = {
  id: number;
  name: string;
  email: string;
  avatarUrl: string | null;
  /** "administrator", "agent" or "custom:<id>" (the role select's value). */
  roleValue: string;
  roleLabel: string;
  availability: Availability;
  confirmed: boolean;
  isSelf: boolean;
};
/** Which dialog the page opens on load, with what the user typed and the errors. */
export type AgentsModal =
  | { kind: "invite"; values?: { name: string; email: string; role: string }; errors?: FieldErrors }
  | { kind: "edit"; id: number; values?: { name: string; role: string; availability: string }; errors?: FieldErrors }
  | { kind: "delete"; id: number; errors?: FieldErrors };

/** A <dialog> with a title and a close button; `open` renders it open (no-JS fallback and re-shown errors). */
export function Modal(props: { id: string; title: string; open?: boolean; children: Child; wide?: boolean }) {
  return (
    <dialog
      id={props.id}
      class={props.wide ? "at-modal at-modal-wide" : "at-modal"}
      aria-labelledby={`${props.id}-title`}
      open={props.open || undefined}
      data-account-team-autoopen={props.open ? "" : undefined}
    >
      <header class="at-modal-header">
        <h2 class="at-modal-title" id={`${props.id}-title`}>
          {props.title}
        </h2>
        <form method="dialog">
          <button type="submit" class="icon-button" aria-label="Close" title="Close">
            <Icon name="x" size={16} />
          </button>
        </form>
      </header>
      {props.children}
    </dialog>
  );
}

/** A modal form's buttons: Cancel (closes the dialog, nothing validated or sent) and the submit button; `before` sits left of them. */
export function ModalActions(props: { submit: Child; danger?: boolean; before?: Child }) {
  return (
    <div class="form-actions at-modal-actions">
      {props.before}
      <button type="submit" formmethod="dialog" formnovalidate class="btn btn-secondary">
        Cancel
      </button>
      <button type="submit" class={props.danger ? "btn at-btn-danger" : "btn btn-primary"}>
        {props.submit}
      </button>
    </div>
  );
}

/** Stroke icons the shared set lacks (pencil, trash bin), drawn like views/components/icon.tsx. */
export function ActionIcon(props: { name: "pencil" | "trash" }) {
  return (
    <svg class="icon" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      {props.name === "pencil" ? (
        <>
          <path d="M21.17 6.81a1 1 0 0 0-3.98-3.98L3.84 16.17a2 2 0 0 0-.5.83l-1.32 4.35a.5.5 0 0 0 .62.62l4.35-1.32a2 2 0 0 0 .83-.5z" />
          <path d="m15 5 4 4" />
        </>
      ) : (
        <>
          <path d="M3 6h18" />
          <path d="M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6" />
          <path d="M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2" />
          <path d="M10 11v6" />
          <path d="M14 11v6" />
        </>
      )}
    </svg>
  );
}

function SelectField(props: { label: string; name: string; id: string; value: string; options: RoleOption[]; errors?: FieldErrors; hint?: string }) {
  const error = props.errors?.[props.name];
  const describedBy = error ? `${props.id}-error` : props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class={error ? "field has-error" : "field"}>
      <div class="field-label-row">
        <label for={props.id}>{props.label}</label>
      </div>
      <select class="select at-select" id={props.id} name={props.name} aria-invalid={error ? "true" : undefined} aria-describedby={describedBy}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <p class="field-error" id={`${props.id}-error`}>
          {error}
        </p>
      ) : props.hint ? (
        <p class="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

const AVAILABILITY_OPTIONS: RoleOption[] = (["online", "busy", "offline"] as const).map((a) => ({ value: a, label: AVAILABILITY_LABELS[a] }));

function InviteModal(props: { base: string; csrf: string; roles: RoleOption[]; modal: AgentsModal | null }) {
  const open = props.modal?.kind === "invite";
  const m = open ? (props.modal as Extract<AgentsModal, { kind: "invite" }>) : null;
  const v = m?.values ?? { name: "", email: "", role: "agent" };
  const errors = m?.errors;
  return (
    <Modal id="agent-invite" title="Add agent to your team" open={open}>
      <form method="post" action={props.base} class="at-modal-body stack" novalidate id="agent-invite-form">
        <CsrfField token={props.csrf} />
        <p class="muted small">
          They get an email with a confirmation link. Until they click it and set a password they are listed as <strong>Verification Pending</strong>.
        </p>
        {errors?.base ? <Alert kind="error" title={errors.base} /> : null}
        <Field label="Agent Name" name="name" value={v.name} errors={errors} required autofocus hint="The full name your customers see on outgoing replies." />
        <SelectField label="Role" name="role" id="f-invite-role" value={v.role} options={props.roles} errors={errors} hint="Administrators manage the account; agents handle conversations of their inboxes." />
        <Field label="Email Address" name="email" type="email" value={v.email} errors={errors} required autocomplete="off" hint="The invitation goes here; it is also their login." />
        <ModalActions submit="Add Agent" />
      </form>
    </Modal>
  );
}

function EditModal(props: { base: string; csrf: string; roles: RoleOption[]; agent: AgentItem; modal: AgentsModal | null }) {
  const a = props.agent;
  const open = props.modal?.kind === "edit" && props.modal.id === a.id;
  const m = open ? (props.modal as Extract<AgentsModal, { kind: "edit" }>) : null;
  const v = m?.values ?? { name: a.name, role: a.roleValue, availability: a.availability };
  const errors = m?.errors;
  const id = `agent-edit-${a.id}`;
  return (
    <Modal id={id} title="Edit agent" open={open}>
      <form method="post" action={`${props.base}/${a.id}`} class="at-modal-body stack" novalidate id={`${id}-form`}>
        <CsrfField token={props.csrf} />
        <p class="muted small">{a.email}</p>
        {errors?.base ? <Alert kind="error" title={errors.base} /> : null}
        <div class={errors?.name ? "field has-error" : "field"}>
          <label for={`${id}-name`}>Agent Name</label>
          <input
            id={`${id}-name`}
            name="name"
            type="text"
            value={v.name}
            required
            aria-invalid={errors?.name ? "true" : undefined}
            aria-describedby={errors?.name ? `${id}-name-error` : undefined}
          />
          {errors?.name ? (
            <p class="field-error" id={`${id}-name-error`}>
              {errors.name}
            </p>
          ) : null}
        </div>
        <SelectField label="Role" name="role" id={`${id}-role`} value={v.role} options={props.roles} errors={errors} hint="Takes effect on the agent's next page load." />
        <SelectField
          label="Availability"
          name="availability"
          id={`${id}-availability`}
          value={v.availability}
          options={AVAILABILITY_OPTIONS}
          errors={errors}
          hint="Online agents get auto-assigned conversations; Busy and Offline agents are skipped."
        />
        {!a.confirmed ? <p class="muted small">This agent has not confirmed yet: saving sends the invitation again.</p> : null}
        <ModalActions
          submit="Update"
          before={
            <button type="submit" form={`${id}-reset`} class="btn btn-ghost at-push-left" data-testid="reset-password">
              <Icon name="key" size={15} /> Reset Password
            </button>
          }
        />
      </form>
      <form method="post" action={`${props.base}/${a.id}/reset_password`} id={`${id}-reset`} class="at-hidden-form">
        <CsrfField token={props.csrf} />
      </form>
    </Modal>
  );
}

function DeleteModal(props: { base: string; csrf: string; agent: AgentItem; modal: AgentsModal | null }) {
  const a = props.agent;
  const open = props.modal?.kind === "delete" && props.modal.id === a.id;
  const error = open ? Object.values((props.modal as Extract<AgentsModal, { kind: "delete" }>).errors ?? {})[0] : undefined;
  return (
    <Modal id={`agent-delete-${a.id}`} title={`Delete ${a.name}?`} open={open}>
      <form method="post" action={`${props.base}/${a.id}/delete`} class="at-modal-body stack">
        <CsrfField token={props.csrf} />
        {error ? <Alert kind="error" title={error} /> : null}
        <p>They lose access to this account at once. Then, in the background:</p>
        <ul class="at-list">
          <li>they are removed from every team they were a member of,</li>
          <li>they are removed from every inbox they were a collaborator on,</li>
          <li>every conversation assigned to them is unassigned — not deleted, not re-routed — and waits in the unassigned queue.</li>
        </ul>
        <p class="muted small">Leaving the company? Reassign their open conversations to a teammate first, so nothing slips through.</p>
        <ModalActions submit="Delete agent" danger />
      </form>
    </Modal>
  );
}

function AgentRowView(props: { base: string; csrf: string; agent: AgentItem }) {
  const a = props.agent;
  return (
    <tr data-agent-id={a.id} id={`agent-${a.id}`}>
      <td>
        <div class="at-person">
          <Avatar name={a.name} url={a.avatarUrl} size="md" status={a.availability} />
          <div class="at-person-text">
            <span class="cell-strong at-ellipsis">
              {a.name}
              {a.isSelf ? <span class="muted"> (you)</span> : null}
            </span>
            <span class="muted at-ellipsis small">{a.email}</span>
          </div>
        </div>
      </td>
      <td>
        <span class="at-ellipsis" data-testid="role">
          {a.roleLabel}
        </span>
        <span class={`at-availability small status-text-${a.availability}`} data-testid="availability">
          <span class={`status-swatch status-${a.availability}`} aria-hidden="true"></span>
          {AVAILABILITY_LABELS[a.availability]}
        </span>
      </td>
      <td>
        {a.confirmed ? (
          <span class="badge badge-success" data-testid="verification">
            Verified
          </span>
        ) : (
          <span class="badge at-badge-pending" data-testid="verification">
            Verification Pending
          </span>
        )}
      </td>
      <td class="at-row-actions">
        {!a.confirmed ? (
          <form method="post" action={`${props.base}/${a.id}/resend`} class="at-inline">
            <CsrfField token={props.csrf} />
            <button type="submit" class="btn btn-ghost btn-sm" title="Resend the invitation email">
              <Icon name="mail" size={14} /> Resend
            </button>
          </form>
        ) : null}
        <a href={`?modal=edit-${a.id}`} class="icon-button" title="Edit" aria-label={`Edit ${a.name}`} data-account-team-dialog={`agent-edit-${a.id}`}>
          <ActionIcon name="pencil" />
        </a>
        {a.isSelf ? null : (
          <a
            href={`?modal=delete-${a.id}`}
            class="icon-button at-delete"
            title="Delete"
            aria-label={`Delete ${a.name}`}
            data-account-team-dialog={`agent-delete-${a.id}`}
            data-testid="delete-agent"
          >
            <ActionIcon name="trash" />
          </a>
        )}
      </td>
    </tr>
  );
}

/** Settings → Agents. */
export function AgentsPage(props: { shell: Shell; access: SettingsAccess; agents: AgentItem[]; roles: RoleOption[]; hasCustomRoles: boolean; notice?: Notice; modal: AgentsModal | null }) {
  const base = accountPath(props.shell.accountId, "settings/agents");
  const csrf = props.shell.doc.csrfToken;
  const addButton = (id: string) => (
    <a class="btn btn-primary" href="?modal=invite" id={id} data-account-team-dialog="agent-invite">
      <Icon name="userPlus" size={16} /> Add Agent
    </a>
  );
  const onlyMe = props.agents.length <= 1;
  // A refused delete of an agent without a delete dialog (yourself) is reported at the top of the page.
  const modal = props.modal;
  const orphanError =
    modal?.kind === "delete" && !props.agents.some((a) => a.id === modal.id && !a.isSelf) ? Object.values(modal.errors ?? {})[0] : undefined;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="agents"
      title="Agents"
      subtitle="Everyone who signs in to this account is an agent; their role decides what they can see and do."
      actions={addButton("add-agent")}
      notice={props.notice}
      noticeId="agents-notice"
      after={
        <>
          <InviteModal base={base} csrf={csrf} roles={props.roles} modal={props.modal} />
          {props.agents.map((a) => (
            <>
              <EditModal base={base} csrf={csrf} roles={props.roles} agent={a} modal={props.modal} />
              {a.isSelf ? null : <DeleteModal base={base} csrf={csrf} agent={a} modal={props.modal} />}
            </>
          ))}
        </>
      }
    >
      {orphanError ? <Alert kind="error" title={orphanError} id="agents-error" /> : null}
      <section class="card table-card" aria-label="Agents">
        <table class="table" id="agents-table">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col" class="at-col-role">
                Role<span class="visually-hidden"> and availability</span>
              </th>
              <th scope="col" class="at-col-status">Status</th>
              <th scope="col" class="at-col-actions">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.agents.map((a) => (
              <AgentRowView base={base} csrf={csrf} agent={a} />
            ))}
          </tbody>
        </table>
      </section>
      {onlyMe ? (
        <section class="card card-empty">
          <EmptyState icon="userPlus" title="It's just you so far" actions={addButton("add-agent-empty")}>
            Add your teammates with <strong>Add Agent</strong>: they get an invitation email. Then add them to inboxes (Settings → Inboxes) so they can
            see and answer those conversations, and to teams for team assignment.
          </EmptyState>
        </section>
      ) : null}
      <FormCard headingId="roles-heading" title="Roles and availability" wide>
        <div class="card-body at-help">
          <dl class="at-defs">
            <dt>Administrator</dt>
            <dd>Full access: account settings, agents, inboxes, automations, and every conversation.</dd>
            <dt>Agent</dt>
            <dd>Handles conversations of the inboxes they are a member of; cannot change account settings or manage other agents.</dd>
            <dt>Custom roles</dt>
            <dd>
              {props.hasCustomRoles ? "Your custom roles appear in the role dropdown; one replaces the built-in role of the agent who holds it. " : "For shades in between, "}
              <a href={accountPath(props.shell.accountId, "settings/custom-roles")}>{props.hasCustomRoles ? "Manage custom roles" : "define custom roles"}</a>.
            </dd>
          </dl>
          <dl class="at-defs">
            <dt>Online</dt>
            <dd>Available: auto-assignment routes new conversations to them.</dd>
            <dt>Busy</dt>
            <dd>At the desk but heads-down: auto-assignment skips them.</dd>
            <dt>Offline</dt>
            <dd>Done for the day: auto-assignment does not pick them.</dd>
          </dl>
          <p class="muted small at-help-note">
            Agents set their own availability from the avatar menu; administrators can change anyone's from Edit. You cannot delete yourself, and the last
            verified administrator can be neither deleted nor demoted.
          </p>
        </div>
      </FormCard>
    </SettingsFrame>
  );
}
