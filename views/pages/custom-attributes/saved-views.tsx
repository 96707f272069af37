/** @jsxImportSource hono/jsx */
// Saved views (Chatwoot's custom filters): the chips above the conversation list and the contacts list, and the
// page that builds, renames and deletes one (conditions over standard and typed custom attributes).
import { CsrfField, Field, type FieldErrors } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { AppLayout, PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";

export type ViewKind = "conversation" | "contact";
export type SavedViewChip = { id: number; name: string };

/** An attribute the builder offers: `value` is "<model>:<key>" (model standard, conversation_attribute, contact_attribute). */
export type AttributeChoice = {
  value: string;
  label: string;
  group: "Standard" | "Custom attributes";
  /** Input type of the value box: text, number, date, or boolean (true/false). */
  input: "text" | "number" | "date" | "boolean";
  operators: readonly string[];
  options: { value: string; label: string }[];
};

/** `join`: how this row joins the previous one (the first row's is ignored). */
export type ConditionRow = { attribute: string; operator: string; value: string; join: "and" | "or" };

export const OPERATOR_LABELS: Record<string, string> = {
  equal_to: "is",
  not_equal_to: "is not",
  contains: "contains",
  does_not_contain: "does not contain",
  starts_with: "starts with",
  is_present: "is present",
  is_not_present: "is not present",
  is_greater_than: "is greater than / after",
  is_less_than: "is less than / before",
  days_before: "is more than N days ago",
};

/** The list page a view opens on. */
export function viewListUrl(accountId: number, kind: ViewKind, id: number): string {
  return kind === "conversation" ? `${accountPath(accountId, "dashboard")}?assignee_type=all&status=all&custom_view=${id}` : `${accountPath(accountId, "contacts")}?custom_view=${id}`;
}

/** The chips of the user's saved views above a list; the current one links to its edit page. */
export function SavedViewsBar(props: { accountId: number; kind: ViewKind; views: SavedViewChip[]; currentId: number | null; saveHref: string }) {
  const base = accountPath(props.accountId, "custom-views");
  const current = props.views.find((v) => v.id === props.currentId) ?? null;
  return (
    <nav class="sv-bar" aria-label="Saved views" data-saved-views={props.kind}>
      <span class="sv-bar-title">
        <Icon name="layers" size={14} /> Views
      </span>
      <ul class="sv-chips">
        {props.views.map((v) => (
          <li>
            <a class={v.id === props.currentId ? "sv-chip is-current" : "sv-chip"} href={viewListUrl(props.accountId, props.kind, v.id)} aria-current={v.id === props.currentId ? "true" : undefined} data-view-id={String(v.id)}>
              {v.name}
            </a>
          </li>
        ))}
      </ul>
      {current ? (
        <>
          <a class="btn btn-ghost btn-sm" href={`${base}/${current.id}`} data-view-edit>
            Edit view
          </a>
          <a class="btn btn-ghost btn-sm" href={props.kind === "conversation" ? accountPath(props.accountId, "dashboard") : accountPath(props.accountId, "contacts")} data-view-clear>
            Clear
          </a>
        </>
      ) : (
        <a class="btn btn-secondary btn-sm" href={props.saveHref} data-view-new>
          {props.views.length ? "New view" : "Save filter as view"}
        </a>
      )}
    </nav>
  );
}

function AttributeSelect(props: { i: number; value: string; choices: AttributeChoice[] }) {
  const groups = ["Standard", "Custom attributes"] as const;
  return (
    <select class="select sv-attribute" name="attribute" id={`sv-attribute-${props.i}`} aria-label={`Condition ${props.i + 1}: attribute`}>
      <option value="">—</option>
      {groups.map((g) => {
        const items = props.choices.filter((c) => c.group === g);
        return items.length ? (
          <optgroup label={g}>
            {items.map((c) => (
              <option value={c.value} selected={c.value === props.value} data-operators={c.operators.join(",")} data-input={c.input} data-options={c.options.length ? `sv-options-${c.value.replace(/[^A-Za-z0-9_-]/g, "_")}` : ""}>
                {c.label}
              </option>
            ))}
          </optgroup>
        ) : null;
      })}
    </select>
  );
}

/** The builder page: name, conditions joined by and/or; blank rows are ignored. */
export function SavedViewPage(props: {
  shell: Shell;
  kind: ViewKind;
  viewId: number | null;
  name: string;
  rows: ConditionRow[];
  choices: AttributeChoice[];
  errors?: FieldErrors;
  /** Errors by row index (the payload's index mapped back to the row). */
  rowErrors?: Record<number, string>;
}) {
  const accountId = props.shell.accountId;
  const base = accountPath(accountId, "custom-views");
  const csrf = props.shell.doc.csrfToken;
  const noun = props.kind === "conversation" ? "conversations" : "contacts";
  const action = props.viewId ? `${base}/${props.viewId}` : `${base}?type=${props.kind}`;
  const back = props.viewId ? viewListUrl(accountId, props.kind, props.viewId) : accountPath(accountId, props.kind === "conversation" ? "dashboard" : "contacts");
  const choice = (value: string) => props.choices.find((c) => c.value === value);
  return (
    <AppLayout shell={props.shell}>
      <PageHeader
        title={props.viewId ? `Edit view “${props.name}”` : `New ${props.kind} view`}
        subtitle={`A saved filter over your ${noun}, with standard and custom attributes. Only you see your views.`}
      />
      <div class="page-body stack-lg">
        <section class="card sv-card" aria-labelledby="sv-heading">
          <header class="card-header">
            <h2 id="sv-heading" class="card-title">
              Filter
            </h2>
            <a class="btn btn-ghost btn-sm" href={back}>
              Back to {noun}
            </a>
          </header>
          <form method="post" action={action} class="card-body stack" id="saved-view-form" novalidate data-saved-view-builder>
            <CsrfField token={csrf} />
            <Field label="View name" name="name" value={props.name} errors={props.errors} required placeholder={props.kind === "conversation" ? "VIP customers waiting" : "Enterprise contacts"} />
            {props.errors?.query ? (
              <p class="field-error" role="alert">
                {props.errors.query}
              </p>
            ) : null}
            <ol class="sv-conditions">
              {props.rows.map((r, i) => {
                const c = choice(r.attribute);
                const ops = c?.operators ?? Object.keys(OPERATOR_LABELS);
                const error = props.rowErrors?.[i];
                return (
                  <li class={error ? "sv-condition has-error" : "sv-condition"} data-row={String(i)}>
                    {i > 0 ? (
                      <select class="select sv-join" name="join" aria-label={`Condition ${i + 1}: joined with the previous one by`}>
                        <option value="and" selected={r.join !== "or"}>
                          and
                        </option>
                        <option value="or" selected={r.join === "or"}>
                          or
                        </option>
                      </select>
                    ) : (
                      <input type="hidden" name="join" value="and" />
                    )}
                    <AttributeSelect i={i} value={r.attribute} choices={props.choices} />
                    <select class="select sv-operator" name="operator" aria-label={`Condition ${i + 1}: operator`}>
                      {Object.entries(OPERATOR_LABELS).map(([op, label]) => (
                        <option value={op} selected={op === r.operator} disabled={!ops.includes(op)} hidden={!ops.includes(op)}>
                          {label}
                        </option>
                      ))}
                    </select>
                    <input
                      class="sv-value"
                      name="value"
                      value={r.value}
                      type={c?.input === "date" ? "date" : c?.input === "number" ? "number" : "text"}
                      list={c?.options.length ? `sv-options-${c.value.replace(/[^A-Za-z0-9_-]/g, "_")}` : undefined}
                      aria-label={`Condition ${i + 1}: value`}
                      autocomplete="off"
                      maxlength={1000}
                    />
                    {error ? (
                      <p class="field-error sv-error" role="alert">
                        {error}
                      </p>
                    ) : null}
                  </li>
                );
              })}
            </ol>
            <p class="field-hint">Fill in the rows you need; empty rows are ignored. “and” binds tighter than “or”.</p>
            {props.choices
              .filter((c) => c.options.length)
              .map((c) => (
                <datalist id={`sv-options-${c.value.replace(/[^A-Za-z0-9_-]/g, "_")}`}>
                  {c.options.map((o) => (
                    <option value={o.value}>{o.label}</option>
                  ))}
                </datalist>
              ))}
            <div class="form-actions">
              <button type="submit" class="btn btn-primary">
                {props.viewId ? "Save view" : "Save view"}
              </button>
            </div>
          </form>
          {props.viewId ? (
            <form method="post" action={`${base}/${props.viewId}/delete`} class="card-body sv-delete">
              <CsrfField token={csrf} />
              <button type="submit" class="btn btn-danger-soft btn-sm" data-confirm={`Delete the view “${props.name}”?`}>
                Delete view
              </button>
            </form>
          ) : null}
        </section>
      </div>
    </AppLayout>
  );
}
