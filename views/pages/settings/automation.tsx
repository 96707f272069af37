/** @jsxImportSource hono/jsx */
import { Field, SelectField, type FieldErrors, type Notice } from "../../components/form.tsx";
import { BackLink, CardForm, FormCard, PostButton, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

/** What the builders offer to pick: the account's agents, teams, labels, inboxes and custom attributes. */
export type PickOptions = {
  agents: { id: number; name: string }[];
  teams: { id: number; name: string }[];
  labels: string[];
  inboxes: { id: number; name: string }[];
  customAttributes: { key: string; name: string; model: "conversation_attribute" | "contact_attribute" }[];
  /** Files attached for send_attachment (id → name), to show which one a saved action sends. */
  files: { id: number; name: string }[];
  /** SLA policies (add_sla, sla_policy_id conditions). */
  slaPolicies?: { id: number; name: string }[];
};

export type ActionValue = { action_name: string; action_params: unknown[] };
export type ConditionValue = { attribute_key: string; filter_operator: string; values: unknown[]; query_operator?: string | null; custom_attribute_type?: string };

type Editor = "none" | "agent" | "team" | "labels" | "text" | "status" | "priority" | "emails" | "url" | "team_email" | "file" | "sla";

const ACTION_LABELS: Record<string, [string, Editor]> = {
  assign_agent: ["Assign an agent", "agent"],
  assign_team: ["Assign a team", "team"],
  remove_assigned_team: ["Remove the team", "none"],
  add_label: ["Add labels", "labels"],
  remove_label: ["Remove labels", "labels"],
  send_message: ["Send a message", "text"],
  add_private_note: ["Add a private note", "text"],
  change_status: ["Change the status", "status"],
  resolve_conversation: ["Resolve the conversation", "none"],
  open_conversation: ["Reopen the conversation", "none"],
  pending_conversation: ["Mark as pending", "none"],
  snooze_conversation: ["Snooze the conversation", "none"],
  change_priority: ["Change the priority", "priority"],
  send_email_transcript: ["Send an email transcript", "emails"],
  send_email_to_team: ["Send an email to a team", "team_email"],
  mute_conversation: ["Mute the conversation", "none"],
  send_webhook_event: ["Send a webhook event", "url"],
  send_attachment: ["Send an attachment", "file"],
  add_sla: ["Add an SLA policy", "sla"],
};

export const EVENT_LABELS: Record<string, string> = {
  conversation_created: "Conversation created",
  conversation_updated: "Conversation updated",
  conversation_opened: "Conversation opened",
  conversation_resolved: "Conversation resolved",
  message_created: "Message created",
};

type ValueEditor = "text" | "status" | "priority" | "inbox" | "team" | "agent" | "labels" | "message_type" | "sla";
const CONDITION_ATTRIBUTES: [string, string, ValueEditor][] = [
  ["status", "Status", "status"],
  ["priority", "Priority", "priority"],
  ["inbox_id", "Inbox", "inbox"],
  ["team_id", "Team", "team"],
  ["assignee_id", "Assignee", "agent"],
  ["labels", "Labels", "labels"],
  ["message_type", "Message type", "message_type"],
  ["sla_policy_id", "SLA policy", "sla"],
  ["content", "Message content", "text"],
  ["email", "Contact email", "text"],
  ["phone_number", "Contact phone number", "text"],
  ["country_code", "Country code", "text"],
  ["city", "City", "text"],
  ["company", "Company", "text"],
  ["browser_language", "Browser language", "text"],
  ["conversation_language", "Conversation language", "text"],
  ["referer", "Referer link", "text"],
  ["mail_subject", "Email subject", "text"],
];
const OPERATORS: [string, string][] = [
  ["equal_to", "Equal to"],
  ["not_equal_to", "Not equal to"],
  ["contains", "Contains"],
  ["does_not_contain", "Does not contain"],
  ["is_present", "Is present"],
  ["is_not_present", "Is not present"],
  ["starts_with", "Starts with"],
  ["is_greater_than", "Is greater than"],
  ["is_less_than", "Is less than"],
];
const STATUSES = ["open", "pending", "resolved", "snoozed"];
const PRIORITIES = ["low", "medium", "high", "urgent"];
const MESSAGE_TYPES = ["incoming", "outgoing"];

export function actionLabel(name: string): string {
  return ACTION_LABELS[name]?.[0] ?? name;
}

function str(v: unknown): string {
  return v == null ? "" : typeof v === "object" ? "" : String(v);
}

function Select(props: { role: string; label: string; value: string; options: [string, string][]; multiple?: boolean; values?: string[] }) {
  return (
    <select class="select" data-role={props.role} aria-label={props.label} multiple={props.multiple}>
      {props.options.map(([v, l]) => (
        <option value={v} selected={props.multiple ? (props.values ?? []).includes(v) : v === props.value}>
          {l}
        </option>
      ))}
    </select>
  );
}

/** One action row: the action and, beside it, the one parameter editor its kind takes (the others hidden). */
function ActionRow(props: { allowed: string[]; options: PickOptions; value: ActionValue; self: boolean; uploadUrl: string }) {
  const name = props.value.action_name;
  const editor = ACTION_LABELS[name]?.[1] ?? "none";
  const p = props.value.action_params ?? [];
  const first = str(p[0]);
  const teamEmail = (p[0] && typeof p[0] === "object" ? p[0] : {}) as { team_ids?: unknown[]; message?: unknown };
  const agentOptions: [string, string][] = [
    ...(props.self ? ([["self", "The agent running the macro"]] as [string, string][]) : []),
    ["last_responding_agent", "The last agent who replied"],
    ["nil", "Nobody (unassign)"],
    ...props.options.agents.map((a): [string, string] => [String(a.id), a.name]),
  ];
  const show = (kind: Editor) => (kind === editor ? undefined : true);
  return (
    <li class="builder-row" data-builder-row>
      <div class="builder-main">
        <Select role="action_name" label="Action" value={name} options={props.allowed.map((a): [string, string] => [a, actionLabel(a)])} />
        <div class="builder-param">
          <div data-editor="agent" hidden={show("agent")}>
            <Select role="param" label="Agent" value={first} options={agentOptions} />
          </div>
          <div data-editor="team" hidden={show("team")}>
            <Select role="param" label="Team" value={first} options={[["nil", "No team"], ...props.options.teams.map((t): [string, string] => [String(t.id), t.name])]} />
          </div>
          <div data-editor="labels" hidden={show("labels")}>
            <Select role="param" label="Labels" value="" multiple values={p.map(str)} options={props.options.labels.map((l): [string, string] => [l, l])} />
          </div>
          <div data-editor="text" hidden={show("text")}>
            <textarea class="settings-textarea" data-role="param" rows={2} aria-label="Message" placeholder="Message text">
              {editor === "text" ? first : ""}
            </textarea>
          </div>
          <div data-editor="status" hidden={show("status")}>
            <Select role="param" label="Status" value={first} options={STATUSES.map((s): [string, string] => [s, s])} />
          </div>
          <div data-editor="priority" hidden={show("priority")}>
            <Select role="param" label="Priority" value={first} options={[["nil", "None"], ...PRIORITIES.map((s): [string, string] => [s, s])]} />
          </div>
          <div data-editor="emails" hidden={show("emails")}>
            <input type="text" data-role="param" aria-label="Email addresses" placeholder="lead@example.com, boss@example.com" value={editor === "emails" ? first : ""} />
          </div>
          <div data-editor="url" hidden={show("url")}>
            <input type="url" data-role="param" aria-label="Webhook URL" placeholder="https://example.com/hooks/parley" value={editor === "url" ? first : ""} />
          </div>
          <div data-editor="file" hidden={show("file")} class="builder-file">
            <input type="file" data-role="upload" data-upload-url={props.uploadUrl} aria-label="File to send" />
            <input type="hidden" data-role="param" value={editor === "file" ? first : ""} />
            <span class="builder-file-name" data-role="file-name" role="status" aria-live="polite">
              {editor === "file" && first ? `Sends ${props.options.files.find((f) => String(f.id) === first)?.name ?? "the attached file"}` : ""}
            </span>
          </div>
          <div data-editor="sla" hidden={show("sla")}>
            <Select role="param" label="SLA policy" value={first} options={(props.options.slaPolicies ?? []).map((s): [string, string] => [String(s.id), s.name])} />
          </div>
          <div data-editor="team_email" hidden={show("team_email")} class="builder-stack">
            <Select
              role="team_ids"
              label="Teams to email"
              value=""
              multiple
              values={(teamEmail.team_ids ?? []).map(str)}
              options={props.options.teams.map((t): [string, string] => [String(t.id), t.name])}
            />
            <textarea class="settings-textarea" data-role="message" rows={2} aria-label="Email message" placeholder="What the team should know">
              {str(teamEmail.message)}
            </textarea>
          </div>
        </div>
      </div>
      <div class="builder-row-actions">
        <button type="button" class="btn btn-sm btn-ghost" data-builder-move="-1" aria-label="Move up">
          ↑
        </button>
        <button type="button" class="btn btn-sm btn-ghost" data-builder-move="1" aria-label="Move down">
          ↓
        </button>
        <button type="button" class="btn btn-sm btn-danger-soft" data-builder-remove aria-label="Remove this action">
          Remove
        </button>
      </div>
    </li>
  );
}

/** The ordered action editor: rows the script adds, removes and reorders, serialized into `actions_json` on submit. */
export function ActionBuilder(props: { allowed: readonly string[]; options: PickOptions; rows: ActionValue[]; errors?: FieldErrors; self: boolean; uploadUrl: string }) {
  const errors = Object.entries(props.errors ?? {}).filter(([k]) => k === "actions" || k.startsWith("actions["));
  const editorMap = Object.fromEntries(props.allowed.map((a) => [a, ACTION_LABELS[a]?.[1] ?? "none"]));
  const blank: ActionValue = { action_name: props.allowed[0], action_params: [] };
  return (
    <fieldset class={errors.length ? "builder has-error" : "builder"} data-builder="actions" data-editors={JSON.stringify(editorMap)}>
      <legend class="builder-legend">Actions, in order</legend>
      <input type="hidden" name="actions_json" value={JSON.stringify(props.rows)} data-builder-output />
      <ol class="builder-rows" data-builder-rows>
        {props.rows.map((r) => (
          <ActionRow allowed={[...props.allowed]} options={props.options} value={r} self={props.self} uploadUrl={props.uploadUrl} />
        ))}
      </ol>
      <template data-builder-template>
        <ActionRow allowed={[...props.allowed]} options={props.options} value={blank} self={props.self} uploadUrl={props.uploadUrl} />
      </template>
      {errors.map(([k, m]) => (
        <p class="field-error" data-error-for={k}>
          {k === "actions" ? m : `${k.replace(/^actions\[(\d+)\].*/, (_, i: string) => `Action ${Number(i) + 1}`)}: ${m}`}
        </p>
      ))}
      <button type="button" class="btn btn-sm btn-secondary" data-builder-add>
        Add action
      </button>
    </fieldset>
  );
}

function ConditionRow(props: { options: PickOptions; value: ConditionValue }) {
  const v = props.value;
  const values = (v.values ?? []).map(str);
  const attrs: [string, string, ValueEditor][] = [
    ...CONDITION_ATTRIBUTES,
    ...props.options.customAttributes.map((a): [string, string, ValueEditor] => [`${a.model}:${a.key}`, `${a.name} (${a.model === "contact_attribute" ? "contact" : "conversation"})`, "text"]),
  ];
  const key = v.custom_attribute_type ? `${v.custom_attribute_type}:${v.attribute_key}` : v.attribute_key;
  const editor = attrs.find((a) => a[0] === key)?.[2] ?? "text";
  const show = (kind: ValueEditor) => (kind === editor ? undefined : true);
  const first = values[0] ?? "";
  return (
    <li class="builder-row" data-builder-row>
      <div class="builder-main builder-condition">
        <Select role="attribute_key" label="Attribute" value={key} options={attrs.map(([k, l]): [string, string] => [k, l])} />
        <Select role="filter_operator" label="Operator" value={v.filter_operator} options={OPERATORS} />
        <div class="builder-param">
          <div data-editor="text" hidden={show("text")}>
            <input type="text" data-role="value" aria-label="Value" placeholder="Value (several: separate with commas)" value={editor === "text" ? values.join(", ") : ""} />
          </div>
          <div data-editor="status" hidden={show("status")}>
            <Select role="value" label="Status" value={first} options={STATUSES.map((s): [string, string] => [s, s])} />
          </div>
          <div data-editor="priority" hidden={show("priority")}>
            <Select role="value" label="Priority" value={first} options={PRIORITIES.map((s): [string, string] => [s, s])} />
          </div>
          <div data-editor="message_type" hidden={show("message_type")}>
            <Select role="value" label="Message type" value={first} options={MESSAGE_TYPES.map((s): [string, string] => [s, s])} />
          </div>
          <div data-editor="inbox" hidden={show("inbox")}>
            <Select role="value" label="Inbox" value={first} options={props.options.inboxes.map((i): [string, string] => [String(i.id), i.name])} />
          </div>
          <div data-editor="team" hidden={show("team")}>
            <Select role="value" label="Team" value={first} options={props.options.teams.map((t): [string, string] => [String(t.id), t.name])} />
          </div>
          <div data-editor="agent" hidden={show("agent")}>
            <Select role="value" label="Agent" value={first} options={props.options.agents.map((a): [string, string] => [String(a.id), a.name])} />
          </div>
          <div data-editor="labels" hidden={show("labels")}>
            <Select role="value" label="Labels" value="" multiple values={values} options={props.options.labels.map((l): [string, string] => [l, l])} />
          </div>
          <div data-editor="sla" hidden={show("sla")}>
            <Select role="value" label="SLA policy" value={first} options={(props.options.slaPolicies ?? []).map((s): [string, string] => [String(s.id), s.name])} />
          </div>
        </div>
        <select class="select builder-join" data-role="query_operator" aria-label="Joined to the next condition with">
          <option value="and" selected={v.query_operator !== "or"}>
            and
          </option>
          <option value="or" selected={v.query_operator === "or"}>
            or
          </option>
        </select>
      </div>
      <div class="builder-row-actions">
        <button type="button" class="btn btn-sm btn-danger-soft" data-builder-remove aria-label="Remove this condition">
          Remove
        </button>
      </div>
    </li>
  );
}

/** The condition builder: attribute, operator, value and and/or to the next, serialized into `conditions_json`. */
export function ConditionBuilder(props: { options: PickOptions; rows: ConditionValue[]; errors?: FieldErrors }) {
  const errors = Object.entries(props.errors ?? {}).filter(([k]) => k === "conditions" || k.startsWith("conditions["));
  const editorMap: Record<string, string> = Object.fromEntries(CONDITION_ATTRIBUTES.map(([k, , e]) => [k, e]));
  const blank: ConditionValue = { attribute_key: "status", filter_operator: "equal_to", values: ["open"], query_operator: "and" };
  return (
    <fieldset class={errors.length ? "builder has-error" : "builder"} data-builder="conditions" data-editors={JSON.stringify(editorMap)}>
      <legend class="builder-legend">Conditions</legend>
      <p class="field-hint">Without conditions the actions run on every event. “and” binds tighter than “or”.</p>
      <input type="hidden" name="conditions_json" value={JSON.stringify(props.rows)} data-builder-output />
      <ol class="builder-rows" data-builder-rows>
        {props.rows.map((r) => (
          <ConditionRow options={props.options} value={r} />
        ))}
      </ol>
      <template data-builder-template>
        <ConditionRow options={props.options} value={blank} />
      </template>
      {errors.map(([k, m]) => (
        <p class="field-error" data-error-for={k}>
          {k === "conditions" ? m : `${k.replace(/^conditions\[(\d+)\].*/, (_, i: string) => `Condition ${Number(i) + 1}`)}: ${m}`}
        </p>
      ))}
      <button type="button" class="btn btn-sm btn-secondary" data-builder-add>
        Add condition
      </button>
    </fieldset>
  );
}

export type RuleItem = {
  id: number;
  name: string;
  description: string | null;
  event_name: string;
  conditions: number;
  actions: string[];
  active: boolean;
  /** Why the rule is no longer valid (a label, agent or team it names was deleted), or null. */
  problem: string | null;
};
export type RuleFormValues = { name: string; description: string; event_name: string; conditions: ConditionValue[]; actions: ActionValue[] };

function RuleForm(props: { action: string; base: string; csrf: string; values: RuleFormValues; errors?: FieldErrors; options: PickOptions; allowed: readonly string[]; submit: string }) {
  const v = props.values;
  const e = props.errors ?? {};
  return (
    <CardForm action={props.action} csrf={props.csrf} id="automation-rule-form" submit={props.submit} attrs={{ "data-builder-form": "" }}>
      <Field label="Rule name" name="name" value={v.name} errors={e} required placeholder="VIP customers to Tier 2" />
      <Field label="Description" name="description" value={v.description} errors={e} placeholder="What it is for" />
      <SelectField label="When this happens" name="event_name" value={v.event_name} options={Object.entries(EVENT_LABELS)} errors={e} />
      <ConditionBuilder options={props.options} rows={v.conditions} errors={e} />
      <ActionBuilder allowed={props.allowed} options={props.options} rows={v.actions} errors={e} self={false} uploadUrl={`${props.base}/attach_file`} />
    </CardForm>
  );
}

/** Settings → Automation: the account's rules, each with its event, a summary, an enable toggle, clone and delete. */
export function AutomationRulesPage(props: {
  shell: Shell;
  access: SettingsAccess;
  items: RuleItem[];
  options: PickOptions;
  allowed: readonly string[];
  values?: RuleFormValues;
  errors?: FieldErrors;
  notice?: Notice;
}) {
  const base = accountPath(props.shell.accountId, "settings/automation");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="automation"
      title="Automation"
      subtitle="Rules that act on conversations by themselves: when an event happens and the conditions match, the actions run."
      notice={props.notice}
      noticeId="automation-notice"
    >
      <SettingsTable
        items={props.items}
        label="Automation rules"
        id="automation-rules-table"
        columns={["Rule", "Event", "Actions", { label: "Manage", class: "automation-row-actions", hidden: true }]}
        empty={{
          icon: "activity",
          title: "No automation rules yet",
          short: true,
          text: "Add a rule below — for example: when a conversation is created and the contact's email ends in your VIP customer's domain, assign the Tier 2 team and set a high priority.",
        }}
        row={(r) => (
          <tr data-rule-id={r.id}>
            <td>
              <a class="cell-strong automation-name" href={`${base}/${r.id}`}>
                {r.name}
              </a>
              {r.description ? <span class="automation-description">{r.description}</span> : null}
              <span class={r.active ? "badge badge-success automation-state" : "badge badge-neutral automation-state"}>{r.active ? "Active" : "Disabled"}</span>
              {r.problem ? (
                <span class="automation-problem" role="note">
                  Needs attention — {r.problem}
                </span>
              ) : null}
            </td>
            <td>
              {EVENT_LABELS[r.event_name] ?? r.event_name}
              <span class="automation-description">{r.conditions === 0 ? "always" : `${r.conditions} condition${r.conditions === 1 ? "" : "s"}`}</span>
            </td>
            <td class="automation-actions-list">{r.actions.map(actionLabel).join(" → ")}</td>
            <td class="automation-row-actions">
              <div class="settings-row-actions">
                <RuleButton action={`${base}/${r.id}/toggle`} csrf={csrf} label={r.active ? "Disable" : "Enable"} ariaLabel={`${r.active ? "Disable" : "Enable"} ${r.name}`} />
                <RuleButton action={`${base}/${r.id}/clone`} csrf={csrf} label="Clone" ariaLabel={`Clone ${r.name}`} />
                <PostButton action={`${base}/${r.id}/delete`} csrf={csrf} label="Delete" confirm={`Delete the rule “${r.name}”?`} class="btn btn-sm btn-danger-soft" formClass="settings-inline-form" />
              </div>
            </td>
          </tr>
        )}
      />
      <FormCard headingId="add-rule-heading" title="Add automation rule" wide>
        <RuleForm
          action={base}
          base={base}
          csrf={csrf}
          values={props.values ?? { name: "", description: "", event_name: "conversation_created", conditions: [], actions: [] }}
          errors={props.errors}
          options={props.options}
          allowed={props.allowed}
          submit="Create rule"
        />
      </FormCard>
    </SettingsFrame>
  );
}

/** A row's Enable/Disable and Clone buttons. */
function RuleButton(props: { action: string; csrf: string; label: string; ariaLabel: string }) {
  return <PostButton action={props.action} csrf={props.csrf} label={props.label} ariaLabel={props.ariaLabel} class="btn btn-sm btn-secondary" formClass="settings-inline-form" />;
}

/** Editing one rule. */
export function AutomationRulePage(props: { shell: Shell; access: SettingsAccess; id: number; values: RuleFormValues; errors?: FieldErrors; options: PickOptions; allowed: readonly string[] }) {
  const base = accountPath(props.shell.accountId, "settings/automation");
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="automation" title={`Edit “${props.values.name}”`} subtitle="Changes apply to events from now on.">
      <FormCard headingId="edit-rule-heading" title="Automation rule" actions={<BackLink href={base}>Back to automation rules</BackLink>} wide>
        <RuleForm action={`${base}/${props.id}`} base={base} csrf={props.shell.doc.csrfToken} values={props.values} errors={props.errors} options={props.options} allowed={props.allowed} submit="Save rule" />
      </FormCard>
    </SettingsFrame>
  );
}
