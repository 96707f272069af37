/** @jsxImportSource hono/jsx */
import { CsrfField, type FieldErrors } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";
import { Time } from "../../components/time.tsx";
import { AppLayout, PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";

export type ImportSummary = {
  id: number;
  status: "pending" | "running" | "completed" | "failed";
  fileName: string;
  totalRows: number;
  processedRows: number;
  created: number;
  updated: number;
  failed: number;
  error: string | null;
  createdAt: number;
};
export type ImportErrorItem = { row: number; field: string | null; message: string };

const STATUS_LABEL = { pending: "Queued", running: "Importing", completed: "Completed", failed: "Failed" } as const;
const STATUS_BADGE = { pending: "badge-neutral", running: "badge-info", completed: "badge-success", failed: "badge-danger" } as const;

function percent(i: ImportSummary): number {
  if (i.status === "completed") return 100;
  return i.totalRows === 0 ? 0 : Math.floor((i.processedRows / i.totalRows) * 100);
}

/** The progress card: polls itself every second while the import runs (the htmx fragment). */
export function ImportProgress(props: { accountId: number; item: ImportSummary; errors: ImportErrorItem[] }) {
  const i = props.item;
  const active = i.status === "pending" || i.status === "running";
  const url = accountPath(props.accountId, `contacts/import/${i.id}/progress`);
  const pct = percent(i);
  return (
    <section
      class="card"
      id="import-progress"
      data-status={i.status}
      aria-labelledby="import-progress-heading"
      {...(active ? { "hx-get": url, "hx-trigger": "every 1s", "hx-swap": "outerHTML" } : {})}
    >
      <header class="card-header">
        <h2 class="card-title" id="import-progress-heading">
          {i.fileName}
        </h2>
        <span class={`badge ${STATUS_BADGE[i.status]}`} data-testid="import-status">
          {STATUS_LABEL[i.status]}
        </span>
      </header>
      <div class="card-body stack">
        <div class="progress-row">
          <progress class="import-bar" max="100" value={String(pct)} aria-label="Import progress">
            {pct}%
          </progress>
          <span class="small muted" data-testid="import-percent">
            {i.processedRows} of {i.totalRows} rows · {pct}%
          </span>
        </div>
        <div class="metric-grid metric-grid-3 import-counts">
          <div class="metric">
            <p class="metric-label">Created</p>
            <p class="metric-value" data-testid="import-created">
              {i.created}
            </p>
          </div>
          <div class="metric">
            <p class="metric-label">Updated</p>
            <p class="metric-value" data-testid="import-updated">
              {i.updated}
            </p>
          </div>
          <div class={i.failed ? "metric metric-danger" : "metric"}>
            <p class="metric-label">Failed</p>
            <p class="metric-value" data-testid="import-failed">
              {i.failed}
            </p>
          </div>
        </div>
        {i.error ? <p class="field-error">{i.error}</p> : null}
        {props.errors.length ? (
          <div class="stack-sm">
            <h3 class="card-subtitle">Rows that were not imported</h3>
            <table class="table import-errors" id="import-errors">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {props.errors.map((e) => (
                  <tr>
                    <td>{e.row}</td>
                    <td>{e.field ? <code>{e.field}</code> : <span class="muted">—</span>}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {i.failed > props.errors.length ? <p class="muted small">Showing the first {props.errors.length} of {i.failed}.</p> : null}
          </div>
        ) : null}
        {i.status === "completed" ? (
          <p>
            <a class="btn btn-secondary btn-sm" href={accountPath(props.accountId, "contacts")}>
              View contacts
            </a>
          </p>
        ) : null}
      </div>
    </section>
  );
}

export function ImportPage(props: {
  shell: Shell;
  errors?: FieldErrors;
  current?: { item: ImportSummary; errors: ImportErrorItem[] } | null;
  recent: ImportSummary[];
  maxMb: number;
  now: number;
}) {
  const accountId = props.shell.accountId;
  const base = accountPath(accountId, "contacts/import");
  const fileError = props.errors?.import_file;
  return (
    <AppLayout shell={props.shell}>
      <PageHeader
        title="Import contacts"
        subtitle="Upload a CSV file; rows matching a contact by identifier, email or phone number update it, the others create contacts."
        actions={
          <a class="btn btn-secondary" href={accountPath(accountId, "contacts")}>
            <Icon name="arrowLeft" size={16} /> Contacts
          </a>
        }
      />
      <div class="page-body stack-lg">
        {props.current ? <ImportProgress accountId={accountId} item={props.current.item} errors={props.current.errors} /> : null}
        <section class="card narrow" aria-labelledby="upload-heading">
          <header class="card-header">
            <h2 class="card-title" id="upload-heading">
              Upload a CSV file
            </h2>
          </header>
          <form method="post" action={base} enctype="multipart/form-data" class="card-body stack" id="import-form">
            <CsrfField token={props.shell.doc.csrfToken} />
            <div class={fileError ? "field has-error" : "field"}>
              <label for="f-import_file">CSV file</label>
              <input
                id="f-import_file"
                type="file"
                name="import_file"
                accept=".csv,text/csv"
                required
                aria-invalid={fileError ? "true" : undefined}
                aria-describedby={fileError ? "f-import_file-error" : "f-import_file-hint"}
              />
              {fileError ? (
                <p class="field-error" id="f-import_file-error">
                  {fileError}
                </p>
              ) : (
                <p class="field-hint" id="f-import_file-hint">
                  UTF-8, comma-separated, header row first, at most {props.maxMb} MB. Columns: <code>name</code>, <code>email</code>, <code>phone_number</code> (E.164),{" "}
                  <code>identifier</code>, <code>company</code>, <code>city</code>, <code>country</code>; any other column becomes a custom attribute.
                </p>
              )}
            </div>
            <div class="form-actions">
              <button type="submit" class="btn btn-primary">
                <Icon name="upload" size={16} /> Start import
              </button>
            </div>
          </form>
        </section>
        {props.recent.length ? (
          <section class="card table-card" aria-label="Recent imports">
            <header class="card-header">
              <h2 class="card-title">Recent imports</h2>
            </header>
            <table class="table" id="recent-imports">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created / updated / failed</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {props.recent.map((r) => (
                  <tr>
                    <td class="truncate">
                      <a href={`${base}/${r.id}`}>{r.fileName}</a>
                    </td>
                    <td>
                      <span class={`badge ${STATUS_BADGE[r.status]}`}>{STATUS_LABEL[r.status]}</span>
                    </td>
                    <td>
                      {r.created} / {r.updated} / {r.failed}
                    </td>
                    <td class="col-time">
                      <Time at={r.createdAt} now={props.now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
      </div>
    </AppLayout>
  );
}
