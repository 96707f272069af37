/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { CsrfField, Field, type FieldErrors, NoticeAlert, type Notice } from "../../components/form.tsx";
import { PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { TextArea } from "./inbox.tsx";
import { SettingsLayout, type SettingsAccess } from "./layout.tsx";

export type CannedResponseItem = { id: number; shortCode: string; content: string };
export type CannedResponseFormValues = { short_code: string; content: string };

function CannedResponseForm(props: { action: string; csrf: string; values: CannedResponseFormValues; errors?: FieldErrors; submit: string; id: string }) {
  const v = props.values;
  return (
    <form method="post" action={props.action} class="card-body stack" novalidate id={props.id}>
      <CsrfField token={props.csrf} />
      <Field
        label="Short code"
        name="short_code"
        value={v.short_code}
        errors={props.errors}
        required
        placeholder="greeting"
        hint="Agents type / and this code in the reply box to insert the message. No spaces."
      />
      <TextArea label="Message" name="content" value={v.content} errors={props.errors} rows={5} placeholder="Hi! Thanks for reaching out — how can we help?" />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">
          {props.submit}
        </button>
      </div>
    </form>
  );
}

/** Settings → Canned responses: the account's saved replies; administrators add, edit and delete them. */
export function CannedResponsesPage(props: {
  shell: Shell;
  access: SettingsAccess;
  items: CannedResponseItem[];
  canManage: boolean;
  values?: CannedResponseFormValues;
  errors?: FieldErrors;
  notice?: Notice;
}) {
  const base = accountPath(props.shell.accountId, "settings/canned-responses");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsLayout shell={props.shell} page="canned-responses" access={props.access}>
      <PageHeader title="Canned responses" subtitle="Saved replies agents insert by typing / and a short code in the reply box." />
      <div class="page-body stack-lg">
        <NoticeAlert notice={props.notice} id="canned-notice" />
        {props.items.length === 0 ? (
          <section class="card card-empty card-empty-short">
            <EmptyState icon="conversations" title="No canned responses yet">
              {props.canManage ? (
                <>
                  Add the answers your team writes again and again — a greeting, opening hours, how to reset a password — below. Agents then type{" "}
                  <code>/</code> and the short code in the reply box to insert one.
                </>
              ) : (
                <>An administrator can add saved replies here; you will then insert them by typing / and a short code in the reply box.</>
              )}
            </EmptyState>
          </section>
        ) : (
          <section class="card table-card" aria-label="Canned responses">
            <table class="table" id="canned-responses-table">
              <thead>
                <tr>
                  <th scope="col" class="canned-code">Short code</th>
                  <th scope="col">Message</th>
                  {props.canManage ? (
                    <th scope="col" class="canned-actions">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {props.items.map((r) => (
                  <tr data-canned-id={r.id}>
                    <td class="cell-strong canned-code">
                      <code>/{r.shortCode}</code>
                    </td>
                    <td class="canned-content">{r.content}</td>
                    {props.canManage ? (
                      <td class="canned-actions">
                        <div class="settings-row-actions">
                          <a class="btn btn-sm btn-secondary" href={`${base}/${r.id}`}>
                            Edit
                          </a>
                          <form method="post" action={`${base}/${r.id}/delete`} class="settings-inline-form">
                            <CsrfField token={csrf} />
                            <button type="submit" class="btn btn-sm btn-danger-soft" data-confirm={`Delete the canned response “/${r.shortCode}”?`}>
                              Delete
                            </button>
                          </form>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        {props.canManage ? (
          <section class="card narrow" aria-labelledby="add-canned-heading">
            <header class="card-header">
              <h2 id="add-canned-heading" class="card-title">
                Add canned response
              </h2>
            </header>
            <CannedResponseForm
              action={base}
              csrf={csrf}
              values={props.values ?? { short_code: "", content: "" }}
              errors={props.errors}
              submit="Create canned response"
              id="add-canned-form"
            />
          </section>
        ) : null}
      </div>
    </SettingsLayout>
  );
}

/** One canned response's edit form. */
export function CannedResponsePage(props: { shell: Shell; access: SettingsAccess; item: CannedResponseItem; values?: CannedResponseFormValues; errors?: FieldErrors }) {
  const r = props.item;
  const list = accountPath(props.shell.accountId, "settings/canned-responses");
  return (
    <SettingsLayout shell={props.shell} page="canned-responses" access={props.access}>
      <PageHeader title={`Edit “/${r.shortCode}”`} subtitle="Changes apply the next time an agent inserts it." />
      <div class="page-body stack-lg">
        <section class="card narrow" aria-labelledby="edit-canned-heading">
          <header class="card-header">
            <h2 id="edit-canned-heading" class="card-title">
              Canned response
            </h2>
            <a class="btn btn-ghost btn-sm" href={list}>
              Back to canned responses
            </a>
          </header>
          <CannedResponseForm
            action={`${list}/${r.id}`}
            csrf={props.shell.doc.csrfToken}
            values={props.values ?? { short_code: r.shortCode, content: r.content }}
            errors={props.errors}
            submit="Save canned response"
            id="edit-canned-form"
          />
        </section>
      </div>
    </SettingsLayout>
  );
}
