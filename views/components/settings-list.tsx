/** @jsxImportSource hono/jsx */
// The pieces the settings pages share: a list table that turns into its empty state, the Edit / Delete buttons of a
// row, a card with a heading (the "Add …" and edit forms live in one), and the posted form inside such a card.
import type { Child } from "hono/jsx";
import { EmptyState } from "./empty-state.tsx";
import { CsrfField } from "./form.tsx";
import type { IconName } from "./icon.tsx";

/** A column heading: its text, or {label, class, hidden} (hidden: read by screen readers only, e.g. "Actions"). */
export type Column = string | { label: string; class?: string; hidden?: boolean };

/** What a list shows while it has no rows. */
export type EmptyList = { icon: IconName; title: string; text: Child; actions?: Child; short?: boolean };

/**
 * A settings list: the table in a `table-card` (labelled for screen readers), one `row(item)` per item (a `<tr>`,
 * or several), or, without items, the empty state in its own card. `null` columns are left out (a column only
 * administrators see).
 */
export function SettingsTable<T>(props: { items: readonly T[]; label: string; id: string; columns: (Column | null)[]; row: (item: T) => Child; empty: EmptyList }) {
  if (props.items.length === 0) {
    const e = props.empty;
    return (
      <section class={e.short ? "card card-empty card-empty-short" : "card card-empty"}>
        <EmptyState icon={e.icon} title={e.title} actions={e.actions}>
          {e.text}
        </EmptyState>
      </section>
    );
  }
  return (
    <section class="card table-card" aria-label={props.label}>
      <table class="table" id={props.id}>
        <thead>
          <tr>{props.columns.map((col) => (col === null ? null : <ColumnHeading column={col} />))}</tr>
        </thead>
        <tbody>{props.items.map((item) => props.row(item))}</tbody>
      </table>
    </section>
  );
}

function ColumnHeading(props: { column: Column }) {
  const c = typeof props.column === "string" ? { label: props.column } : props.column;
  return (
    <th scope="col" class={c.class}>
      {c.hidden ? <span class="visually-hidden">{c.label}</span> : c.label}
    </th>
  );
}

/** A button that posts (with the CSRF field) to `action`, asking `confirm` first when given; `formAttrs` go on the form (hx-post…). */
export function PostButton(props: {
  action: string;
  csrf: string;
  label: Child;
  confirm?: string;
  class?: string;
  formClass?: string;
  ariaLabel?: string;
  formAttrs?: Record<string, string>;
}) {
  return (
    <form method="post" action={props.action} class={props.formClass} {...props.formAttrs}>
      <CsrfField token={props.csrf} />
      <button type="submit" class={props.class ?? "btn btn-sm"} data-confirm={props.confirm} aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  );
}

/** A row's actions: an Edit link and a Delete button that asks `confirm` first; either may be left out. */
export function RowActions(props: { csrf: string; edit?: string; editLabel?: Child; delete?: string; confirm?: string }) {
  return (
    <div class="settings-row-actions">
      {props.edit ? (
        <a class="btn btn-sm btn-secondary" href={props.edit}>
          {props.editLabel ?? "Edit"}
        </a>
      ) : null}
      {props.delete ? (
        <PostButton action={props.delete} csrf={props.csrf} label="Delete" confirm={props.confirm} class="btn btn-sm btn-danger-soft" formClass="settings-inline-form" />
      ) : null}
    </div>
  );
}

/**
 * A card with a heading (`headingId` labels the section): "Add webhook" above its form, an edit form with its way
 * back (`actions`), a secret with its Rotate button. Narrow unless `wide`.
 */
export function FormCard(props: { headingId: string; title: Child; subtitle?: Child; actions?: Child; wide?: boolean; class?: string; children: Child }) {
  const heading = (
    <h2 id={props.headingId} class="card-title">
      {props.title}
    </h2>
  );
  const cls = [props.wide ? "card" : "card narrow", props.class].filter(Boolean).join(" ");
  return (
    <section class={cls} aria-labelledby={props.headingId}>
      <header class="card-header">
        {props.subtitle ? (
          <div>
            {heading}
            <p class="card-subtitle">{props.subtitle}</p>
          </div>
        ) : (
          heading
        )}
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

/**
 * The form of a FormCard: posts to `action` with the CSRF field, the browser's own validation off (the server
 * names the field), the fields, and one primary submit button. `attrs` adds attributes to the form (Alpine's x-data…).
 */
export function CardForm(props: { action: string; csrf: string; id?: string; submit: Child; attrs?: Record<string, string>; children: Child }) {
  return (
    <form method="post" action={props.action} class="card-body stack" novalidate id={props.id} {...props.attrs}>
      <CsrfField token={props.csrf} />
      {props.children}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">
          {props.submit}
        </button>
      </div>
    </form>
  );
}

/** The "Back to …" link in an edit card's header. */
export function BackLink(props: { href: string; children: Child }) {
  return (
    <a class="btn btn-ghost btn-sm" href={props.href}>
      {props.children}
    </a>
  );
}
