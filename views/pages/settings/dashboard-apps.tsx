/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { CsrfField, Field, type FieldErrors, NoticeAlert, type Notice } from "../../components/form.tsx";
import { PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsLayout, type SettingsAccess } from "./layout.tsx";

export type DashboardAppItem = { id: number; title: string; url: string };
export type DashboardAppFormValues = { title: string; url: string };

function AppForm(props: { action: string; csrf: string; values: DashboardAppFormValues; errors?: FieldErrors; submit: string; id: string }) {
  return (
    <form method="post" action={props.action} class="card-body stack" novalidate id={props.id}>
      <CsrfField token={props.csrf} />
      <Field label="Name" name="title" value={props.values.title} errors={props.errors} required hint="The tab's name in the conversation window, e.g. Customer Orders." />
      <Field
        label="URL"
        name="url"
        type="url"
        value={props.values.url}
        errors={props.errors}
        required
        placeholder="https://orders.example.com/chatwoot"
        hint="Where your app is hosted. It receives the conversation, contact and agent as an appContext message event."
      />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">
          {props.submit}
        </button>
      </div>
    </form>
  );
}

/** Settings → Integrations → Dashboard apps: the account's apps, "Add dashboard app", delete with confirm. */
export function DashboardAppsPage(props: { shell: Shell; access: SettingsAccess; apps: DashboardAppItem[]; values?: DashboardAppFormValues; errors?: FieldErrors; notice?: Notice }) {
  const base = accountPath(props.shell.accountId, "settings/integrations/dashboard-apps");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsLayout shell={props.shell} page="dashboard-apps" access={props.access}>
      <PageHeader title="Dashboard apps" subtitle="Embed your own app in the conversation window: each app is a tab that loads your URL with the conversation's context." />
      <div class="page-body stack-lg">
        <NoticeAlert notice={props.notice} id="dashboard-apps-notice" />
        {props.apps.length === 0 ? (
          <section class="card card-empty">
            <EmptyState icon="layers" title="No dashboard apps yet">
              Add your app's name and URL below. A tab with that name then appears in every conversation, and your page receives the conversation and contact
              by postMessage.
            </EmptyState>
          </section>
        ) : (
          <section class="card table-card" aria-label="Dashboard apps">
            <table class="table" id="dashboard-apps-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">URL</th>
                  <th scope="col" class="col-actions dashboard-apps-actions">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.apps.map((a) => (
                  <tr data-dashboard-app-id={a.id}>
                    <td class="cell-strong truncate">{a.title}</td>
                    <td class="truncate">
                      <code>{a.url}</code>
                    </td>
                    <td>
                      <div class="row-form dashboard-apps-row-actions">
                        <a class="btn btn-sm" href={`${base}/${a.id}`}>
                          Edit
                        </a>
                        <form method="post" action={`${base}/${a.id}/delete`}>
                          <CsrfField token={csrf} />
                          <button type="submit" class="btn btn-danger-soft btn-sm" data-confirm={`Delete the dashboard app ${a.title}? Its tab disappears from conversations.`}>
                            Delete
                          </button>
                        </form>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <section class="card narrow" aria-labelledby="add-dashboard-app-heading">
          <header class="card-header">
            <h2 id="add-dashboard-app-heading" class="card-title">
              Add dashboard app
            </h2>
          </header>
          <AppForm action={base} csrf={csrf} values={props.values ?? { title: "", url: "" }} errors={props.errors} submit="Create app" id="add-dashboard-app-form" />
        </section>
      </div>
    </SettingsLayout>
  );
}

/** Edit one dashboard app. */
export function DashboardAppPage(props: { shell: Shell; access: SettingsAccess; app: DashboardAppItem; values?: DashboardAppFormValues; errors?: FieldErrors }) {
  const base = accountPath(props.shell.accountId, "settings/integrations/dashboard-apps");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsLayout shell={props.shell} page="dashboard-apps" access={props.access}>
      <PageHeader title={`Edit ${props.app.title}`} subtitle="Changes apply to the tab in every conversation." />
      <div class="page-body stack-lg">
        <p>
          <a href={base}>← All dashboard apps</a>
        </p>
        <section class="card narrow" aria-labelledby="edit-dashboard-app-heading">
          <header class="card-header">
            <h2 id="edit-dashboard-app-heading" class="card-title">
              Dashboard app
            </h2>
          </header>
          <AppForm action={`${base}/${props.app.id}`} csrf={csrf} values={props.values ?? { title: props.app.title, url: props.app.url }} errors={props.errors} submit="Save" id="edit-dashboard-app-form" />
        </section>
      </div>
    </SettingsLayout>
  );
}
