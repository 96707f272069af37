/** @jsxImportSource hono/jsx */
// Defined custom attributes of a contact or conversation, each with the control of its type. Used by the
// conversation sidebar (htmx, re-rendering its section) and the contact page (plain forms).
import { CsrfField } from "../../components/form.tsx";

export type TypedAttribute = {
  key: string;
  name: string;
  type: string;
  description: string | null;
  options: string[];
  cue: string | null;
  /** The stored value as text ("" when unset; "true"/"false" for checkboxes). */
  value: string;
};

/** A stored value as the text a control shows. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function Control(props: { a: TypedAttribute; id: string }) {
  const { a, id } = props;
  const common = { id, name: "value", "aria-describedby": a.description || a.cue ? `${id}-hint` : undefined };
  switch (a.type) {
    case "number":
    case "currency":
    case "percent":
      return <input {...common} type="number" step="any" value={a.value} class="ca-input" inputmode="decimal" />;
    case "date":
      return <input {...common} type="date" value={a.value.slice(0, 10)} class="ca-input" />;
    case "link":
      return <input {...common} type="url" value={a.value} class="ca-input" placeholder="https://" />;
    case "list":
      return (
        <select {...common} class="select ca-input">
          <option value="" selected={a.value === ""}>
            —
          </option>
          {a.options.map((o) => (
            <option value={o} selected={a.value === o}>
              {o}
            </option>
          ))}
        </select>
      );
    case "checkbox":
      // The hidden "false" comes first: a ticked box's "true" is the last value and wins.
      return (
        <>
          <input type="hidden" name="value" value="false" />
          <input id={id} type="checkbox" name="value" value="true" checked={a.value === "true"} class="ca-checkbox" aria-describedby={common["aria-describedby"]} />
        </>
      );
    default:
      return <input {...common} type="text" value={a.value} class="ca-input" maxlength={1000} />;
  }
}

/**
 * One small form per defined attribute: its typed control and Save. With `hxTarget` the forms post through htmx
 * and swap that element; errors (by attribute key) show under their control.
 */
export function TypedAttributeForms(props: {
  items: TypedAttribute[];
  action: string;
  csrf: string;
  idPrefix: string;
  hxTarget?: string;
  errors?: Record<string, string>;
}) {
  if (!props.items.length) return null;
  return (
    <div class="ca-typed" data-typed-attributes>
      {props.items.map((a) => {
        const id = `${props.idPrefix}-${a.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
        const error = props.errors?.[`custom_attributes.${a.key}`];
        const hx = props.hxTarget ? { "hx-post": props.action, "hx-target": props.hxTarget, "hx-swap": "outerHTML" } : {};
        return (
          <form method="post" action={props.action} class={error ? "ca-typed-row has-error" : "ca-typed-row"} data-attribute={a.key} data-attribute-type={a.type} {...hx}>
            <CsrfField token={props.csrf} />
            <input type="hidden" name="key" value={a.key} />
            <label for={id} class="ca-typed-label">
              {a.name}
            </label>
            <div class="ca-typed-control">
              <Control a={a} id={id} />
              {a.type === "link" && /^https?:\/\//i.test(a.value) ? (
                <a href={a.value} target="_blank" rel="noopener noreferrer nofollow" class="ca-link" aria-label={`Open ${a.name}`}>
                  Open
                </a>
              ) : null}
              <button type="submit" class="btn btn-secondary btn-sm">
                Save
              </button>
            </div>
            {error ? (
              <p class="field-error" role="alert">
                {error}
              </p>
            ) : a.description || a.cue ? (
              <p class="ca-typed-hint" id={`${id}-hint`}>
                {a.description ?? a.cue}
              </p>
            ) : null}
          </form>
        );
      })}
    </div>
  );
}
