/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Icon } from "./icon.tsx";

/** Field name → message, as the routes collect them from domain Validation errors. */
export type FieldErrors = Record<string, string>;

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export function Field(props: {
  label: string;
  name: string;
  /** The input's id when `f-<name>` is taken (two forms on one page with the same field name). */
  id?: string;
  type?: string;
  value?: string | null;
  errors?: FieldErrors;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  placeholder?: string;
  minlength?: number;
  trailing?: Child;
}) {
  const id = props.id ?? `f-${props.name}`;
  const error = props.errors?.[props.name];
  const describedBy = error ? `${id}-error` : props.hint ? `${id}-hint` : undefined;
  return (
    <div class={error ? "field has-error" : "field"}>
      <div class="field-label-row">
        <label for={id}>{props.label}</label>
        {props.trailing}
      </div>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        autocomplete={props.autocomplete}
        required={props.required}
        autofocus={props.autofocus}
        placeholder={props.placeholder}
        minlength={props.minlength}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy}
      />
      <FieldNote id={id} error={error} hint={props.hint} />
    </div>
  );
}

/** Under a field: its error (`<id>-error`), else its hint (`<id>-hint`), else nothing; `aria-describedby` names the one shown. */
export function FieldNote(props: { id: string; error?: string; hint?: Child }) {
  if (props.error) {
    return (
      <p class="field-error" id={`${props.id}-error`}>
        {props.error}
      </p>
    );
  }
  return props.hint ? (
    <p class="field-hint" id={`${props.id}-hint`}>
      {props.hint}
    </p>
  ) : null;
}

/** A labelled `<select>` of [value, label] options, with its error or hint under it (like Field). */
export function SelectField(props: { label: string; name: string; id?: string; value: string; options: [string, string][]; errors?: FieldErrors; hint?: string }) {
  const id = props.id ?? `f-${props.name}`;
  const error = props.errors?.[props.name];
  return (
    <div class={error ? "field has-error" : "field"}>
      <div class="field-label-row">
        <label for={id}>{props.label}</label>
      </div>
      <select class="select" id={id} name={props.name} aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${id}-error` : props.hint ? `${id}-hint` : undefined}>
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
      <FieldNote id={id} error={error} hint={props.hint} />
    </div>
  );
}

export type AlertKind = "error" | "success" | "info" | "warning";

const ALERT_ICON = { error: "alert", success: "checkCircle", info: "info", warning: "alert" } as const;

/** The one-line outcome a page shows after a form post (saved, created, failed …). */
export type Notice = { kind: AlertKind; title: string; text?: string };

export function NoticeAlert(props: { notice?: Notice | null; id: string }) {
  if (!props.notice) return null;
  return (
    <Alert kind={props.notice.kind} title={props.notice.title} id={props.id}>
      {props.notice.text}
    </Alert>
  );
}

export function Alert(props: { kind: AlertKind; title?: string; children?: Child; id?: string }) {
  return (
    <div class={`alert alert-${props.kind}`} role={props.kind === "error" ? "alert" : "status"} id={props.id}>
      <Icon name={ALERT_ICON[props.kind]} size={18} class="alert-icon" />
      <div class="alert-body">
        {props.title ? <p class="alert-title">{props.title}</p> : null}
        {props.children ? <div class="alert-text">{props.children}</div> : null}
      </div>
    </div>
  );
}
