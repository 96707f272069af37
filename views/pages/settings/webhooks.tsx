/** @jsxImportSource hono/jsx */
import { Alert, Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { CardForm, FormCard, PostButton, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type WebhookItem = {
  id: number;
  name: string | null;
  url: string;
  subscriptions: string[];
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
};
export type DeliveryItem = {
  id: number;
  event: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  createdAt: number;
};
export type WebhookFormValues = { name: string; url: string; subscriptions: string[]; enabled: boolean };

const STATUS_BADGE = { pending: "badge-neutral", succeeded: "badge-success", failed: "badge-danger" } as const;

function WebhookForm(props: { action: string; csrf: string; events: readonly string[]; values: WebhookFormValues; errors?: FieldErrors; submit: string; showEnabled: boolean; id: string }) {
  const v = props.values;
  const subErr = props.errors?.subscriptions;
  return (
    <CardForm action={props.action} csrf={props.csrf} id={props.id} submit={props.submit}>
      <Field label="Name" name="name" value={v.name} errors={props.errors} hint="Optional, to tell webhooks apart." />
      <Field label="URL" name="url" type="url" value={v.url} errors={props.errors} required placeholder="https://example.com/chatwoot-events" />
      <fieldset class="stack-sm" aria-describedby={subErr ? `${props.id}-subscriptions-error` : undefined}>
        <legend class="field-label">Events</legend>
        <div class="checkbox-grid">
          {props.events.map((e) => (
            <label class="checkbox">
              <input type="checkbox" name="subscriptions" value={e} checked={v.subscriptions.includes(e)} /> <code>{e}</code>
            </label>
          ))}
        </div>
        {subErr ? (
          <p class="field-error" id={`${props.id}-subscriptions-error`}>
            {subErr}
          </p>
        ) : null}
      </fieldset>
      {props.showEnabled ? (
        <label class="checkbox">
          <input type="checkbox" name="enabled" value="1" checked={v.enabled} /> Enabled
        </label>
      ) : null}
    </CardForm>
  );
}

/** Settings → Webhooks: the account's webhooks and "Add webhook". */
export function WebhooksPage(props: {
  shell: Shell;
  access: SettingsAccess;
  webhooks: WebhookItem[];
  events: readonly string[];
  values?: WebhookFormValues;
  errors?: FieldErrors;
  notice?: Notice;
}) {
  const base = accountPath(props.shell.accountId, "settings/webhooks");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="webhooks"
      title="Webhooks"
      subtitle="Parley POSTs the events you pick to your URL, signed with the webhook's secret (X-Chatwoot-Signature)."
      notice={props.notice}
      noticeId="webhooks-notice"
    >
      <SettingsTable
        items={props.webhooks}
        label="Webhooks"
        id="webhooks-table"
        columns={["Webhook", "Events", "Status", { label: "Actions", hidden: true }]}
        empty={{ icon: "layers", title: "No webhooks yet", text: "Add one below to receive message, conversation and contact events." }}
        row={(w) => (
          <tr data-webhook-id={w.id}>
            <td class="cell-strong truncate">
              <a href={`${base}/${w.id}`}>{w.name || w.url}</a>
              {w.name ? <div class="muted truncate">{w.url}</div> : null}
            </td>
            <td>{w.subscriptions.length}</td>
            <td>
              {w.enabled ? <span class="badge badge-success">Enabled</span> : <span class="badge badge-danger" title={w.disabledReason ?? ""}>Disabled</span>}
            </td>
            <td>
              <RowActions csrf={csrf} edit={`${base}/${w.id}`} editLabel="Edit & log" />
            </td>
          </tr>
        )}
      />
      <FormCard headingId="add-webhook-heading" title="Add webhook">
        <WebhookForm
          action={base}
          csrf={csrf}
          events={props.events}
          values={props.values ?? { name: "", url: "", subscriptions: ["message_created", "conversation_created"], enabled: true }}
          errors={props.errors}
          submit="Create webhook"
          showEnabled={false}
          id="add-webhook-form"
        />
      </FormCard>
    </SettingsFrame>
  );
}

/** The delivery log of one webhook (also the htmx fragment a Redeliver click swaps in). */
export function DeliveryLog(props: { accountId: number; csrf: string; webhookId: number; deliveries: DeliveryItem[] }) {
  const base = accountPath(props.accountId, `settings/webhooks/${props.webhookId}`);
  return (
    <section class="card table-card" aria-label="Delivery log" id="delivery-log">
      <header class="card-header">
        <h2 class="card-title">Delivery log</h2>
      </header>
      {props.deliveries.length === 0 ? (
        <p class="card-body muted">No deliveries yet.</p>
      ) : (
        <table class="table" id="deliveries-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Code</th>
              <th scope="col">Duration</th>
              <th scope="col">Attempts</th>
              <th scope="col">Time</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <tr data-delivery-id={d.id}>
                <td>
                  <code>{d.event}</code>
                </td>
                <td>
                  <span class={`badge ${STATUS_BADGE[d.status]}`} title={d.error ?? ""}>
                    {d.status}
                  </span>
                </td>
                <td>{d.statusCode ?? <span class="muted">—</span>}</td>
                <td>{d.durationMs == null ? <span class="muted">—</span> : `${d.durationMs} ms`}</td>
                <td>{d.attempts}</td>
                <td>
                  <time datetime={new Date(d.createdAt).toISOString()}>{new Date(d.createdAt).toISOString().replace("T", " ").slice(0, 19)} UTC</time>
                </td>
                <td>
                  <PostButton
                    action={`${base}/deliveries/${d.id}/redeliver`}
                    csrf={props.csrf}
                    label="Redeliver"
                    formAttrs={{ "hx-post": `${base}/deliveries/${d.id}/redeliver`, "hx-target": "#delivery-log", "hx-swap": "outerHTML" }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One webhook: edit form, secret (reveal, rotate), delete, delivery log. */
export function WebhookPage(props: {
  shell: Shell;
  access: SettingsAccess;
  webhook: WebhookItem;
  events: readonly string[];
  deliveries: DeliveryItem[];
  values?: WebhookFormValues;
  errors?: FieldErrors;
  notice?: Notice;
}) {
  const w = props.webhook;
  const base = accountPath(props.shell.accountId, `settings/webhooks/${w.id}`);
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="webhooks" title={w.name || w.url} subtitle={w.name ? w.url : undefined} notice={props.notice} noticeId="webhooks-notice">
      {w.enabled ? null : (
        <Alert kind="warning" title="This webhook is disabled" id="webhook-disabled">
          {w.disabledReason ?? "Disabled."} Tick “Enabled” below and save to turn it back on.
        </Alert>
      )}
      <FormCard headingId="secret-heading" title="Secret">
        <div class="card-body stack">
          <details>
            <summary>Reveal secret</summary>
            <code class="bot-credential" data-testid="webhook-secret">
              {w.secret}
            </code>
          </details>
          <p class="muted">Verify each request: sha256=HMAC-SHA256(secret, "{"{timestamp}.{raw_body}"}") equals X-Chatwoot-Signature.</p>
          <PostButton action={`${base}/rotate`} csrf={csrf} label="Rotate secret" confirm="Issue a new secret? Receivers must be updated to verify with it." />
        </div>
      </FormCard>
      <FormCard headingId="edit-webhook-heading" title="Edit webhook">
        <WebhookForm
          action={base}
          csrf={csrf}
          events={props.events}
          values={props.values ?? { name: w.name ?? "", url: w.url, subscriptions: w.subscriptions, enabled: w.enabled }}
          errors={props.errors}
          submit="Save"
          showEnabled
          id="edit-webhook-form"
        />
        <PostButton action={`${base}/delete`} csrf={csrf} label="Delete webhook" confirm="Delete this webhook and its delivery log?" class="btn btn-danger-soft btn-sm" formClass="card-body" />
      </FormCard>
      <DeliveryLog accountId={props.shell.accountId} csrf={csrf} webhookId={w.id} deliveries={props.deliveries} />
    </SettingsFrame>
  );
}
