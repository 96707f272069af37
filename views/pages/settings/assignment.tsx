/** @jsxImportSource hono/jsx */
// Settings → Assignment: assignment policies (how an inbox's conversations find an agent), each inbox's policy and
// limits, and agent capacity policies (per-inbox limits for the agents who have one).
import type { Child } from "hono/jsx";
import { CsrfField, Field, SelectField, type FieldErrors, type Notice } from "../../components/form.tsx";
import { BackLink, CardForm, FormCard, PostButton, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import { Checkbox } from "./inbox.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type PolicyItem = {
  id: number;
  name: string;
  description: string;
  assignmentOrder: "round_robin" | "balanced";
  conversationPriority: "earliest_created" | "longest_waiting";
  fairDistributionLimit: number;
  fairDistributionWindow: number;
  enabled: boolean;
  inboxes: { id: number; name: string }[];
};

export type PolicyFormValues = {
  name: string;
  description: string;
  assignment_order: string;
  conversation_priority: string;
  fair_distribution_limit: string;
  fair_distribution_window: string;
  enabled: boolean;
};

export type InboxAssignmentItem = {
  id: number;
  name: string;
  enabled: boolean;
  policyId: number | null;
  maxAssignmentLimit: number | null;
  reassignOnOffline: boolean;
};

export type CapacityItem = {
  id: number;
  name: string;
  description: string;
  limits: { id: number; inboxId: number; inboxName: string; conversationLimit: number }[];
  members: { id: number; name: string; email: string }[];
};

export type CapacityFormValues = { name: string; description: string };

/** What the Assignment page shows again after a refused post: the posted values and the errors under their form. */
export type AssignmentFormState = {
  policyValues?: PolicyFormValues;
  policyErrors?: FieldErrors;
  capacityValues?: CapacityFormValues;
  capacityErrors?: FieldErrors;
  inboxErrors?: FieldErrors;
  /** The inbox whose row the inbox errors belong to. */
  errorInboxId?: number;
};

export const ORDER_LABELS = { round_robin: "Round robin", balanced: "Balanced (fewest open conversations)" } as const;
export const PRIORITY_LABELS = { earliest_created: "Oldest first", longest_waiting: "Longest waiting first" } as const;

export const emptyPolicyValues = (): PolicyFormValues => ({
  name: "",
  description: "",
  assignment_order: "round_robin",
  conversation_priority: "earliest_created",
  fair_distribution_limit: "100",
  fair_distribution_window: "3600",
  enabled: true,
});

const base = (shell: Shell, rest = "") => accountPath(shell.accountId, `settings/assignment${rest}`);

/** "100 per hour", "5 per 10 minutes". */
export function fairDistribution(limit: number, windowSeconds: number): string {
  const w =
    windowSeconds % 3600 === 0
      ? windowSeconds === 3600
        ? "hour"
        : `${windowSeconds / 3600} hours`
      : windowSeconds % 60 === 0
        ? windowSeconds === 60
          ? "minute"
          : `${windowSeconds / 60} minutes`
        : `${windowSeconds} seconds`;
  return `${limit} per ${w}`;
}

function PolicyFields(props: { values: PolicyFormValues; errors?: FieldErrors }) {
  const v = props.values;
  return (
    <>
      <Field label="Name" name="name" value={v.name} errors={props.errors} required placeholder="Day shift" />
      <Field label="Description" name="description" value={v.description} errors={props.errors} placeholder="Optional" />
      <div class="grid-2">
        <SelectField
          label="Assignment order"
          name="assignment_order"
          value={v.assignment_order}
          options={Object.entries(ORDER_LABELS)}
          errors={props.errors}
          hint="Balanced gives the next conversation to the agent with the fewest open ones in the inbox."
        />
        <SelectField
          label="Waiting conversations"
          name="conversation_priority"
          value={v.conversation_priority}
          options={Object.entries(PRIORITY_LABELS)}
          errors={props.errors}
          hint="Which waiting conversation goes first when an agent has room again."
        />
      </div>
      <div class="grid-2">
        <Field label="Fair distribution: at most" name="fair_distribution_limit" type="number" value={v.fair_distribution_limit} errors={props.errors} hint="conversations per agent…" />
        <Field label="…within (seconds)" name="fair_distribution_window" type="number" value={v.fair_distribution_window} errors={props.errors} hint="3600 is one hour." />
      </div>
      <Checkbox name="enabled" checked={v.enabled} label="Enabled" hint="A disabled policy leaves its inboxes on plain round robin." />
    </>
  );
}

function PoliciesCard(props: { shell: Shell; policies: PolicyItem[] }) {
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsTable
      items={props.policies}
      label="Assignment policies"
      id="assignment-policies"
      columns={["Policy", "Order", "Fair distribution", "Inboxes", { label: "Actions", hidden: true, class: "col-actions" }]}
      empty={{ icon: "user", title: "No assignment policies yet", text: "Inboxes use round robin between their online agents until you add a policy.", short: true }}
      row={(p) => (
        <tr data-policy-id={p.id}>
          <td>
            <div class="assignment-name">
              <strong>{p.name}</strong>
              {p.enabled ? <span class="badge badge-success">Enabled</span> : <span class="badge badge-neutral">Disabled</span>}
            </div>
            {p.description ? <div class="muted">{p.description}</div> : null}
          </td>
          <td>
            {ORDER_LABELS[p.assignmentOrder]}
            <div class="muted">{PRIORITY_LABELS[p.conversationPriority]}</div>
          </td>
          <td>{fairDistribution(p.fairDistributionLimit, p.fairDistributionWindow)}</td>
          <td>{p.inboxes.length ? p.inboxes.map((i) => i.name).join(", ") : <span class="muted">None</span>}</td>
          <td class="col-actions">
            <RowActions csrf={csrf} edit={base(props.shell, `/policies/${p.id}`)} delete={base(props.shell, `/policies/${p.id}/delete`)} confirm={`Delete the policy ${p.name}? Its inboxes go back to round robin.`} />
          </td>
        </tr>
      )}
    />
  );
}

function InboxesCard(props: { shell: Shell; inboxes: InboxAssignmentItem[]; policies: PolicyItem[]; errors?: FieldErrors; errorInboxId?: number }) {
  const csrf = props.shell.doc.csrfToken;
  const options: [string, string][] = [["", "None (round robin)"], ...props.policies.map((p): [string, string] => [String(p.id), p.name])];
  return (
    <FormCard headingId="assignment-inboxes-heading" title="Inboxes" subtitle="Each inbox's policy and limits. Only online agents who are members of the inbox get conversations." wide>
      {props.inboxes.length === 0 ? (
        <p class="card-body muted">No inboxes yet.</p>
      ) : (
        <ul class="assignment-inboxes" id="assignment-inboxes">
          {props.inboxes.map((i) => {
            const errors = props.errorInboxId === i.id ? props.errors : undefined;
            return (
              <li class="assignment-inbox" data-inbox-id={i.id}>
                <form method="post" action={base(props.shell, `/inboxes/${i.id}`)} class="assignment-inbox-form" novalidate aria-label={`Assignment of ${i.name}`}>
                  <CsrfField token={csrf} />
                  <div class="assignment-inbox-name">
                    <strong>{i.name}</strong>
                    <Checkbox name="enable_auto_assignment" checked={i.enabled} label="Auto-assign" />
                  </div>
                  <SelectField label="Policy" name="assignment_policy_id" id={`f-policy-${i.id}`} value={i.policyId == null ? "" : String(i.policyId)} options={options} errors={errors} />
                  <Field
                    id={`f-limit-${i.id}`}
                    label="Limit per agent"
                    name="max_assignment_limit"
                    type="number"
                    value={i.maxAssignmentLimit == null ? "" : String(i.maxAssignmentLimit)}
                    placeholder="No limit"
                    errors={errors}
                  />
                  <Checkbox name="reassign_on_offline" checked={i.reassignOnOffline} label="Re-assign when the agent goes offline" />
                  <button type="submit" class="btn btn-secondary btn-sm">
                    Save
                  </button>
                </form>
              </li>
            );
          })}
        </ul>
      )}
    </FormCard>
  );
}

function CapacityCard(props: { shell: Shell; items: CapacityItem[] }) {
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsTable
      items={props.items}
      label="Agent capacity policies"
      id="capacity-policies"
      columns={["Capacity policy", "Limits", "Agents", { label: "Actions", hidden: true, class: "col-actions" }]}
      empty={{ icon: "user", title: "No capacity policies yet", text: "Agents without one take as many conversations as the inbox allows.", short: true }}
      row={(p) => (
        <tr data-capacity-id={p.id}>
          <td>
            <strong>{p.name}</strong>
            {p.description ? <div class="muted">{p.description}</div> : null}
          </td>
          <td>{p.limits.length ? p.limits.map((l) => `${l.inboxName}: ${l.conversationLimit}`).join(", ") : <span class="muted">No limits</span>}</td>
          <td>{p.members.length ? p.members.map((m) => m.name).join(", ") : <span class="muted">Nobody</span>}</td>
          <td class="col-actions">
            <RowActions csrf={csrf} edit={base(props.shell, `/capacity/${p.id}`)} delete={base(props.shell, `/capacity/${p.id}/delete`)} confirm={`Delete the capacity policy ${p.name}?`} />
          </td>
        </tr>
      )}
    />
  );
}

export function AssignmentPage(
  props: { shell: Shell; access: SettingsAccess; policies: PolicyItem[]; inboxes: InboxAssignmentItem[]; capacity: CapacityItem[]; notice?: Notice } & AssignmentFormState,
) {
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="assignment"
      title="Assignment"
      subtitle="Who gets each new conversation: round robin or balanced, with capacity limits and fair distribution."
      notice={props.notice}
      noticeId="assignment-notice"
    >
      <h2 class="assignment-section-title">Assignment policies</h2>
      <PoliciesCard shell={props.shell} policies={props.policies} />
      <FormCard headingId="new-policy-heading" title="Add policy">
        <CardForm action={base(props.shell, "/policies")} csrf={csrf} id="new-policy-form" submit="Add policy">
          <PolicyFields values={props.policyValues ?? emptyPolicyValues()} errors={props.policyErrors} />
        </CardForm>
      </FormCard>
      <InboxesCard shell={props.shell} inboxes={props.inboxes} policies={props.policies} errors={props.inboxErrors} errorInboxId={props.errorInboxId} />
      <h2 class="assignment-section-title">Agent capacity</h2>
      <CapacityCard shell={props.shell} items={props.capacity} />
      <FormCard headingId="new-capacity-heading" title="Add capacity policy">
        <CardForm action={base(props.shell, "/capacity")} csrf={csrf} id="new-capacity-form" submit="Add capacity policy">
          <Field id="f-capacity-name" label="Name" name="name" value={props.capacityValues?.name ?? ""} errors={props.capacityErrors} required placeholder="Part-time agents" />
          <Field id="f-capacity-description" label="Description" name="description" value={props.capacityValues?.description ?? ""} errors={props.capacityErrors} placeholder="Optional" />
        </CardForm>
      </FormCard>
    </SettingsFrame>
  );
}

export function AssignmentPolicyPage(props: { shell: Shell; access: SettingsAccess; policy: PolicyItem; values: PolicyFormValues; errors?: FieldErrors }) {
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="assignment" title={props.policy.name} subtitle="Assignment policy">
      <FormCard headingId="edit-policy-heading" title="Edit policy" actions={<BackLink href={base(props.shell)}>Back to assignment</BackLink>}>
        <CardForm action={base(props.shell, `/policies/${props.policy.id}`)} csrf={props.shell.doc.csrfToken} id="edit-policy-form" submit="Save policy">
          <PolicyFields values={props.values} errors={props.errors} />
        </CardForm>
      </FormCard>
    </SettingsFrame>
  );
}

/** A card of a capacity policy's rows (its inbox limits, its agents) with the form adding one below (when any is left to add). */
function CapacityPart<T>(props: {
  headingId: string;
  title: string;
  subtitle: string;
  listId: string;
  items: T[];
  none: string;
  row: (item: T) => Child;
  add: { action: string; id: string; csrf: string; submit: string; fields: Child } | null;
}) {
  const add = props.add;
  return (
    <FormCard headingId={props.headingId} title={props.title} subtitle={props.subtitle}>
      <div class="card-body stack">
        {props.items.length ? (
          <ul class="assignment-list" id={props.listId}>
            {props.items.map(props.row)}
          </ul>
        ) : (
          <p class="muted">{props.none}</p>
        )}
        {add ? (
          <form method="post" action={add.action} class="assignment-add-row" id={add.id} novalidate>
            <CsrfField token={add.csrf} />
            {add.fields}
            <button type="submit" class="btn btn-primary btn-sm">
              {add.submit}
            </button>
          </form>
        ) : null}
      </div>
    </FormCard>
  );
}

/** A capacity policy's Remove button (an inbox limit, an agent). */
function RemoveButton(props: { action: string; csrf: string; ariaLabel: string }) {
  return <PostButton action={props.action} csrf={props.csrf} label="Remove" ariaLabel={props.ariaLabel} class="btn btn-sm btn-danger-soft" formClass="assignment-inline-form" />;
}

export function CapacityPolicyPage(props: {
  shell: Shell;
  access: SettingsAccess;
  item: CapacityItem;
  values: CapacityFormValues;
  inboxes: { id: number; name: string }[];
  agents: { id: number; name: string }[];
  notice?: Notice;
  errors?: FieldErrors;
  limitErrors?: FieldErrors;
  memberErrors?: FieldErrors;
}) {
  const csrf = props.shell.doc.csrfToken;
  const at = (rest = "") => base(props.shell, `/capacity/${props.item.id}${rest}`);
  const limited = new Set(props.item.limits.map((l) => l.inboxId));
  const freeInboxes = props.inboxes.filter((i) => !limited.has(i.id));
  const memberIds = new Set(props.item.members.map((m) => m.id));
  const others = props.agents.filter((a) => !memberIds.has(a.id));
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="assignment" title={props.item.name} subtitle="Agent capacity policy" notice={props.notice} noticeId="capacity-notice">
      <FormCard headingId="edit-capacity-heading" title="Details" actions={<BackLink href={base(props.shell)}>Back to assignment</BackLink>}>
        <CardForm action={at()} csrf={csrf} id="edit-capacity-form" submit="Save">
          <Field label="Name" name="name" value={props.values.name} errors={props.errors} required />
          <Field label="Description" name="description" value={props.values.description} errors={props.errors} />
        </CardForm>
      </FormCard>

      <CapacityPart
        headingId="capacity-limits-heading"
        title="Inbox limits"
        subtitle="Open conversations an agent with this policy may hold in each inbox. Inboxes without a limit are unlimited."
        listId="capacity-limits"
        items={props.item.limits}
        none="No limits yet."
        row={(l) => (
          <li class="assignment-list-row" data-limit-id={l.id}>
            <span class="assignment-list-name">{l.inboxName}</span>
            <form method="post" action={at(`/limits/${l.id}`)} class="assignment-inline-form">
              <CsrfField token={csrf} />
              <label class="visually-hidden" for={`f-limit-value-${l.id}`}>
                Limit for {l.inboxName}
              </label>
              <input id={`f-limit-value-${l.id}`} name="conversation_limit" type="number" min="0" value={String(l.conversationLimit)} class="assignment-number" />
              <button type="submit" class="btn btn-sm btn-secondary">
                Save
              </button>
            </form>
            <RemoveButton action={at(`/limits/${l.id}/delete`)} csrf={csrf} ariaLabel={`Remove the limit for ${l.inboxName}`} />
          </li>
        )}
        add={
          freeInboxes.length
            ? {
                action: at("/limits"),
                id: "add-limit-form",
                csrf,
                submit: "Add limit",
                fields: (
                  <>
                    <SelectField label="Inbox" name="inbox_id" id="f-limit-inbox" value="" options={freeInboxes.map((i): [string, string] => [String(i.id), i.name])} errors={props.limitErrors} />
                    <Field label="Open conversations per agent" name="conversation_limit" type="number" value="" errors={props.limitErrors} />
                  </>
                ),
              }
            : null
        }
      />

      <CapacityPart
        headingId="capacity-members-heading"
        title="Agents"
        subtitle="An agent has at most one capacity policy; adding them here moves them from their previous one."
        listId="capacity-members"
        items={props.item.members}
        none="No agents yet."
        row={(m) => (
          <li class="assignment-list-row" data-user-id={m.id}>
            <span class="assignment-list-name">
              {m.name} <span class="muted">{m.email}</span>
            </span>
            <RemoveButton action={at(`/members/${m.id}/delete`)} csrf={csrf} ariaLabel={`Remove ${m.name}`} />
          </li>
        )}
        add={
          others.length
            ? {
                action: at("/members"),
                id: "add-member-form",
                csrf,
                submit: "Add agent",
                fields: <SelectField label="Agent" name="user_id" id="f-member" value="" options={others.map((a): [string, string] => [String(a.id), a.name])} errors={props.memberErrors} />,
              }
            : null
        }
      />
    </SettingsFrame>
  );
}

/** The line on an inbox's settings page naming its assignment policy, with a link to the assignment settings. */
export function InboxPolicyNote(props: { policyName: string | null; href: string }): Child {
  return (
    <p class="settings-check-hint assignment-inbox-note" id="inbox-assignment-policy">
      {props.policyName ? (
        <>
          Assignment policy: <strong>{props.policyName}</strong>.{" "}
        </>
      ) : (
        <>No assignment policy: round robin. </>
      )}
      <a href={props.href}>Assignment settings</a>
    </p>
  );
}
