/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { BackLink, CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import { Checkbox, TextArea } from "./inbox.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type SlaPolicyItem = {
  id: number;
  name: string;
  description: string | null;
  frt: number | null;
  nrt: number | null;
  rt: number | null;
  businessHoursOnly: boolean;
};

/** The form as posted: each threshold as hours and minutes (strings, so a bad entry is shown back as typed). */
export type SlaPolicyFormValues = {
  name: string;
  description: string;
  frt_hours: string;
  frt_minutes: string;
  nrt_hours: string;
  nrt_minutes: string;
  rt_hours: string;
  rt_minutes: string;
  only_during_business_hours: boolean;
};

/** The three targets: form prefix, the API field the domain names in its errors, label and help. */
export const SLA_TARGETS = [
  { prefix: "frt", field: "first_response_time_threshold", label: "First response time", hint: "From the conversation's start to the first reply of an agent." },
  { prefix: "nrt", field: "next_response_time_threshold", label: "Next response time", hint: "Each time the customer writes again after a reply, until the next reply." },
  { prefix: "rt", field: "resolution_time_threshold", label: "Resolution time", hint: "From the conversation's start until it is resolved." },
] as const;

/** Seconds as "1 h 30 min", "45 min", "2 d 4 h" (whole minutes; days above 48 hours). */
export function formatDuration(seconds: number | null): string {
  if (seconds == null) return "—";
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return `${Math.round(seconds)} s`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h >= 48) {
    const d = Math.floor(h / 24);
    const rest = h % 24;
    return rest ? `${d} d ${rest} h` : `${d} d`;
  }
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function formValuesOf(p: SlaPolicyItem | null): SlaPolicyFormValues {
  const split = (s: number | null) => (s == null ? ["", ""] : [String(Math.floor(s / 3600)), String(Math.round((s % 3600) / 60))]);
  const [frtH, frtM] = split(p?.frt ?? null);
  const [nrtH, nrtM] = split(p?.nrt ?? null);
  const [rtH, rtM] = split(p?.rt ?? null);
  return {
    name: p?.name ?? "",
    description: p?.description ?? "",
    frt_hours: frtH!,
    frt_minutes: frtM!,
    nrt_hours: nrtH!,
    nrt_minutes: nrtM!,
    rt_hours: rtH!,
    rt_minutes: rtM!,
    only_during_business_hours: p?.businessHoursOnly ?? false,
  };
}

function ThresholdField(props: { target: (typeof SLA_TARGETS)[number]; values: SlaPolicyFormValues; errors?: FieldErrors; idPrefix: string }) {
  const t = props.target;
  const error = props.errors?.[t.field];
  const v = props.values as Record<string, unknown>;
  const id = `${props.idPrefix}-${t.prefix}`;
  return (
    <fieldset class={error ? "field sla-threshold has-error" : "field sla-threshold"} aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend class="sla-threshold-legend">{t.label}</legend>
      <div class="sla-threshold-inputs">
        <label class="sla-threshold-part" for={`${id}-hours`}>
          <input id={`${id}-hours`} name={`${t.prefix}_hours`} type="number" min="0" step="1" inputmode="numeric" value={String(v[`${t.prefix}_hours`] ?? "")} aria-invalid={error ? "true" : undefined} />
          <span>hours</span>
        </label>
        <label class="sla-threshold-part" for={`${id}-minutes`}>
          <input id={`${id}-minutes`} name={`${t.prefix}_minutes`} type="number" min="0" max="59" step="1" inputmode="numeric" value={String(v[`${t.prefix}_minutes`] ?? "")} aria-invalid={error ? "true" : undefined} />
          <span>minutes</span>
        </label>
      </div>
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : (
        <p class="field-hint" id={`${id}-hint`}>
          {t.hint} Leave empty to not track it.
        </p>
      )}
    </fieldset>
  );
}

function SlaPolicyForm(props: { action: string; csrf: string; values: SlaPolicyFormValues; errors?: FieldErrors; submit: string; id: string }) {
  const v = props.values;
  return (
    <CardForm action={props.action} csrf={props.csrf} id={props.id} submit={props.submit}>
      <Field label="Name" name="name" value={v.name} errors={props.errors} required placeholder="Priority customers" />
      <TextArea label="Description" name="description" value={v.description} errors={props.errors} rows={2} placeholder="Who this policy is for" />
      {SLA_TARGETS.map((t) => (
        <ThresholdField target={t} values={v} errors={props.errors} idPrefix={props.id} />
      ))}
      <Checkbox
        name="only_during_business_hours"
        checked={v.only_during_business_hours}
        label="Only during business hours"
        hint="Count only the inbox's working hours (Inbox settings → Business hours); nights, weekends and closed days do not count."
      />
    </CardForm>
  );
}

/** Settings → SLA policies: the targets conversations are held to; administrators add, edit and delete them. */
export function SlaPoliciesPage(props: { shell: Shell; access: SettingsAccess; items: SlaPolicyItem[]; values?: SlaPolicyFormValues; errors?: FieldErrors; notice?: Notice }) {
  const base = accountPath(props.shell.accountId, "settings/sla");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="sla"
      title="SLA policies"
      subtitle="Response and resolution targets. Apply a policy from a conversation's sidebar or with an automation rule (Add an SLA policy)."
      notice={props.notice}
      noticeId="sla-notice"
    >
      <SettingsTable
        items={props.items}
        label="SLA policies"
        id="sla-policies-table"
        columns={[
          "Name",
          { label: "First response", class: "sla-col-time" },
          { label: "Next response", class: "sla-col-time" },
          { label: "Resolution", class: "sla-col-time" },
          { label: "Actions", class: "sla-actions", hidden: true },
        ]}
        empty={{
          icon: "clock",
          title: "No SLA policies yet",
          short: true,
          text: <>Add a policy below, for example a first reply within one hour and a resolution within a day. Conversations then show whether they are on time.</>,
        }}
        row={(p) => (
          <tr data-sla-policy-id={p.id}>
            <td class="cell-strong">
              {p.name}
              <span class="sla-description">
                {p.businessHoursOnly ? "Business hours only" : "Around the clock"}
                {p.description ? ` · ${p.description}` : ""}
              </span>
            </td>
            <td>{formatDuration(p.frt)}</td>
            <td>{formatDuration(p.nrt)}</td>
            <td>{formatDuration(p.rt)}</td>
            <td class="sla-actions">
              <RowActions
                csrf={csrf}
                edit={`${base}/${p.id}`}
                delete={`${base}/${p.id}/delete`}
                confirm={`Delete the SLA policy “${p.name}”? Conversations under it lose their SLA and its history.`}
              />
            </td>
          </tr>
        )}
      />
      <FormCard headingId="add-sla-heading" title="Add SLA policy">
        <SlaPolicyForm action={base} csrf={csrf} values={props.values ?? formValuesOf(null)} errors={props.errors} submit="Create SLA policy" id="add-sla-form" />
      </FormCard>
    </SettingsFrame>
  );
}

/** One policy's edit form. */
export function SlaPolicyPage(props: { shell: Shell; access: SettingsAccess; item: SlaPolicyItem; values?: SlaPolicyFormValues; errors?: FieldErrors }) {
  const p = props.item;
  const list = accountPath(props.shell.accountId, "settings/sla");
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="sla" title={`Edit “${p.name}”`} subtitle="New targets apply to conversations under this policy from their next check.">
      <FormCard headingId="edit-sla-heading" title="SLA policy" actions={<BackLink href={list}>Back to SLA policies</BackLink>}>
        <SlaPolicyForm action={`${list}/${p.id}`} csrf={props.shell.doc.csrfToken} values={props.values ?? formValuesOf(p)} errors={props.errors} submit="Save SLA policy" id="edit-sla-form" />
      </FormCard>
    </SettingsFrame>
  );
}
