/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type DashboardAppItem = { id: number; title: string; url: string };
export type DashboardAppFormValues = { title: string; url: string };

function AppForm(props: { action: string; csrf: string; values: DashboardAppFormValues; errors?: FieldErrors; submit: string; id: string }) {
  return (
    <CardForm action={props.action} csrf={props.csrf} id={props.id} submit={props.submit}>
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
    </CardForm>
  );
}

/** Settings → Integrations → Dashboard apps: the account's apps, "Add dashboard app", delete with confirm. */
export function DashboardAppsPage(props: { shell: Shell; access: SettingsAccess; apps: DashboardAppItem[]; values?: DashboardAppFormValues; errors?: FieldErrors; notice?: Notice }) {
  const base = accountPath(props.shell.accountId, "settings/integrations/dashboard-apps");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="dashboard-apps"
      title="Dashboard apps"
      subtitle="Embed your own app in the conversation window: each app is a tab that loads your URL with the conversation's context."
      notice={props.notice}
      noticeId="dashboard-apps-notice"
    >
      <SettingsTable
        items={props.apps}
        label="Dashboard apps"
        id="dashboard-apps-table"
        columns={["Name", "URL", { label: "Actions", class: "col-actions dashboard-apps-actions", hidden: true }]}
        empty={{
          icon: "layers",
          title: "No dashboard apps yet",
          text: "Add your app's name and URL below. A tab with that name then appears in every conversation, and your page receives the conversation and contact by postMessage.",
        }}
        row={(a) => (
          <tr data-dashboard-app-id={a.id}>
            <td class="cell-strong truncate">{a.title}</td>
            <td class="truncate">
              <code>{a.url}</code>
            </td>
            <td>
              <RowActions csrf={csrf} edit={`${base}/${a.id}`} delete={`${base}/${a.id}/delete`} confirm={`Delete the dashboard app ${a.title}? Its tab disappears from conversations.`} />
            </td>
          </tr>
        )}
      />
      <FormCard headingId="add-dashboard-app-heading" title="Add dashboard app">
        <AppForm action={base} csrf={csrf} values={props.values ?? { title: "", url: "" }} errors={props.errors} submit="Create app" id="add-dashboard-app-form" />
      </FormCard>
    </SettingsFrame>
  );
}

/** Edit one dashboard app. */
export function DashboardAppPage(props: { shell: Shell; access: SettingsAccess; app: DashboardAppItem; values?: DashboardAppFormValues; errors?: FieldErrors }) {
  const base = accountPath(props.shell.accountId, "settings/integrations/dashboard-apps");
  const csrf = props.shell.doc.csrfToken;
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="dashboard-apps" title={`Edit ${props.app.title}`} subtitle="Changes apply to the tab in every conversation.">
      <p>
        <a href={base}>← All dashboard apps</a>
      </p>
      <FormCard headingId="edit-dashboard-app-heading" title="Dashboard app">
        <AppForm action={`${base}/${props.app.id}`} csrf={csrf} values={props.values ?? { title: props.app.title, url: props.app.url }} errors={props.errors} submit="Save" id="edit-dashboard-app-form" />
      </FormCard>
    </SettingsFrame>
  );
}
