/** @jsxImportSource hono/jsx */
import { Avatar } from "../../components/avatar.tsx";
import { Alert, CsrfField, Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { CardForm, FormCard, PostButton, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { ActionIcon, Modal, ModalActions } from "./agents.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

// Settings → Teams: the list with "Create team", and one page per team (edit, members, delete).

export type TeamItem = { id: number; name: string; description: string | null; allowAutoAssign: boolean; memberCount: number };
export type TeamValues = { name: string; description: string; allow_auto_assign: boolean };
export type MemberItem = { id: number; name: string; email: string; avatarUrl: string | null; confirmed: boolean };

function TeamFields(props: { values: TeamValues; errors?: FieldErrors; idPrefix: string; autofocus?: boolean }) {
  const v = props.values;
  const e = props.errors;
  return (
    <>
      {e?.base ? <Alert kind="error" title={e.base} /> : null}
      <Field label="Team name" name="name" value={v.name} errors={e} required autofocus={props.autofocus} hint="Shown in lower case, like Chatwoot (e.g. billing, tier 2)." />
      <div class={e?.description ? "field has-error" : "field"}>
        <label for={`${props.idPrefix}-description`}>Description</label>
        <textarea
          id={`${props.idPrefix}-description`}
          name="description"
          rows={3}
          class="at-textarea"
          aria-invalid={e?.description ? "true" : undefined}
          aria-describedby={`${props.idPrefix}-description-note`}
        >
          {v.description}
        </textarea>
        {e?.description ? (
          <p class="field-error" id={`${props.idPrefix}-description-note`}>
            {e.description}
          </p>
        ) : (
          <p class="field-hint" id={`${props.idPrefix}-description-note`}>
            Optional: what this team handles.
          </p>
        )}
      </div>
      <label class="checkbox">
        <input type="checkbox" name="allow_auto_assign" value="1" checked={v.allow_auto_assign} /> Allow auto assign for this team
      </label>
      <p class="muted small at-indent">When a conversation is assigned to the team, an online member of it is picked as the assignee.</p>
    </>
  );
}

/** Settings → Teams. */
export function TeamsPage(props: { shell: Shell; access: SettingsAccess; teams: TeamItem[]; notice?: Notice; create: { open: boolean; values?: TeamValues; errors?: FieldErrors } }) {
  const base = accountPath(props.shell.accountId, "settings/teams");
  const csrf = props.shell.doc.csrfToken;
  const createButton = (
    <a class="btn btn-primary" href="?modal=create" id="create-team" data-account-team-dialog="team-create">
      <Icon name="contacts" size={16} /> Create team
    </a>
  );
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="teams"
      title="Teams"
      subtitle="Group agents by what they handle. A conversation assigned to a team goes to one of its members."
      actions={createButton}
      notice={props.notice}
      noticeId="teams-notice"
      after={
        <Modal id="team-create" title="Create a team" open={props.create.open}>
          <form method="post" action={base} class="at-modal-body stack" novalidate id="team-create-form">
            <CsrfField token={csrf} />
            <TeamFields values={props.create.values ?? { name: "", description: "", allow_auto_assign: true }} errors={props.create.errors} idPrefix="team-create" autofocus />
            <ModalActions submit="Create team" />
          </form>
        </Modal>
      }
    >
      <SettingsTable
        items={props.teams}
        label="Teams"
        id="teams-table"
        columns={["Team", { label: "Members", class: "at-col-role" }, { label: "Auto assign", class: "at-col-role" }, { label: "Actions", class: "at-col-icon", hidden: true }]}
        empty={{
          icon: "contacts",
          title: "No teams yet",
          actions: createButton,
          text: 'Create a team (for example "billing" or "tier 2"), add its agents, then assign conversations to the team from the conversation sidebar or with automation rules.',
        }}
        row={(t) => (
          <tr data-team-id={t.id}>
            <td>
              <a class="cell-strong" href={`${base}/${t.id}`}>
                {t.name}
              </a>
              {t.description ? <div class="muted small at-clamp">{t.description}</div> : null}
            </td>
            <td>{t.memberCount === 1 ? "1 agent" : `${t.memberCount} agents`}</td>
            <td>{t.allowAutoAssign ? <span class="badge badge-success">On</span> : <span class="badge badge-neutral">Off</span>}</td>
            <td class="at-row-actions">
              <a class="icon-button" href={`${base}/${t.id}`} title="Edit" aria-label={`Edit team ${t.name}`}>
                <ActionIcon name="pencil" />
              </a>
            </td>
          </tr>
        )}
      />
    </SettingsFrame>
  );
}

/** Settings → Teams → one team: details, members, delete. */
export function TeamPage(props: {
  shell: Shell;
  access: SettingsAccess;
  team: TeamItem;
  members: MemberItem[];
  candidates: MemberItem[];
  notice?: Notice;
  values?: TeamValues;
  errors?: FieldErrors;
  memberErrors?: FieldErrors;
  confirmDelete: boolean;
}) {
  const base = accountPath(props.shell.accountId, `settings/teams/${props.team.id}`);
  const csrf = props.shell.doc.csrfToken;
  const t = props.team;
  const values = props.values ?? { name: t.name, description: t.description ?? "", allow_auto_assign: t.allowAutoAssign };
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="teams"
      title={`Team: ${t.name}`}
      subtitle="Members of a team are eligible for team-scoped auto-assignment."
      actions={
        <a class="btn btn-secondary" href={accountPath(props.shell.accountId, "settings/teams")}>
          <Icon name="arrowLeft" size={15} /> All teams
        </a>
      }
      notice={props.notice}
      noticeId="team-notice"
      after={
        <Modal id="team-delete" title={`Delete the team ${t.name}?`} open={props.confirmDelete}>
          <form method="post" action={`${base}/delete`} class="at-modal-body stack">
            <CsrfField token={csrf} />
            <p>Its {props.members.length === 1 ? "member leaves" : `${props.members.length} members leave`} the team and its conversations lose their team. This cannot be undone.</p>
            <ModalActions submit="Delete team" danger />
          </form>
        </Modal>
      }
    >
      <section class="card table-card" aria-labelledby="members-heading">
        <header class="card-header">
          <div>
            <h2 class="card-title" id="members-heading">
              Members
            </h2>
            <p class="card-subtitle">Only agents of this account can join its teams.</p>
          </div>
        </header>
        {props.members.length === 0 ? (
          <p class="card-body muted" id="no-members">
            No members yet. Tick agents below and add them to the team.
          </p>
        ) : (
          <table class="table" id="members-table">
            <colgroup>
              <col />
              <col class="at-col-remove" />
            </colgroup>
            <tbody>
              {props.members.map((m) => (
                <tr data-member-id={m.id}>
                  <td>
                    <div class="at-person">
                      <Avatar name={m.name} url={m.avatarUrl} size="sm" />
                      <div class="at-person-text">
                        <span class="cell-strong at-ellipsis">{m.name}</span>
                        <span class="muted at-ellipsis small">{m.email}</span>
                      </div>
                    </div>
                  </td>
                  <td class="at-row-actions">
                    <PostButton action={`${base}/members/${m.id}/delete`} csrf={csrf} label="Remove" class="btn btn-ghost btn-sm" formClass="at-inline" ariaLabel={`Remove ${m.name} from the team`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form method="post" action={`${base}/members`} class="card-body stack at-add-members" id="add-members-form">
          <CsrfField token={csrf} />
          {props.memberErrors?.user_ids ? <Alert kind="error" title={props.memberErrors.user_ids} /> : null}
          {props.candidates.length === 0 ? (
            <p class="muted small">Every agent of the account is in this team. Invite more from Settings → Agents.</p>
          ) : (
            <fieldset class="stack-sm">
              <legend class="field-label">Add agents</legend>
              <div class="checkbox-grid">
                {props.candidates.map((m) => (
                  <label class="checkbox">
                    <input type="checkbox" name="user_ids" value={String(m.id)} /> {m.name} <span class="muted small">{m.email}</span>
                  </label>
                ))}
              </div>
              <div>
                <button type="submit" class="btn btn-secondary">
                  <Icon name="userPlus" size={15} /> Add to team
                </button>
              </div>
            </fieldset>
          )}
        </form>
      </section>
      <FormCard headingId="team-details-heading" title="Details">
        <CardForm action={base} csrf={csrf} id="team-edit-form" submit="Save team">
          <TeamFields values={values} errors={props.errors} idPrefix="team-edit" />
        </CardForm>
      </FormCard>
      <FormCard headingId="team-delete-heading" title="Delete team" class="at-danger-zone">
        <div class="card-body stack">
          <p class="muted small">Conversations of the team stay where they are, without a team. Members stay agents of the account.</p>
          <div>
            <a class="btn at-btn-danger" href="?modal=delete" data-account-team-dialog="team-delete" id="delete-team">
              <ActionIcon name="trash" /> Delete team
            </a>
          </div>
        </div>
      </FormCard>
    </SettingsFrame>
  );
}
