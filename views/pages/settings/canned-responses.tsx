/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors, type Notice } from "../../components/form.tsx";
import { BackLink, CardForm, FormCard, RowActions, SettingsTable } from "../../components/settings-list.tsx";
import { accountPath, type Shell } from "../../layouts/app.tsx";
import { SettingsFrame } from "./frame.tsx";
import { TextArea } from "./inbox.tsx";
import type { SettingsAccess } from "./layout.tsx";

export type CannedResponseItem = { id: number; shortCode: string; content: string };
export type CannedResponseFormValues = { short_code: string; content: string };

function CannedResponseForm(props: { action: string; csrf: string; values: CannedResponseFormValues; errors?: FieldErrors; submit: string; id: string }) {
  const v = props.values;
  return (
    <CardForm action={props.action} csrf={props.csrf} id={props.id} submit={props.submit}>
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
    </CardForm>
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
    <SettingsFrame
      shell={props.shell}
      access={props.access}
      page="canned-responses"
      title="Canned responses"
      subtitle="Saved replies agents insert by typing / and a short code in the reply box."
      notice={props.notice}
      noticeId="canned-notice"
    >
      <SettingsTable
        items={props.items}
        label="Canned responses"
        id="canned-responses-table"
        columns={[{ label: "Short code", class: "canned-code" }, "Message", props.canManage ? { label: "Actions", class: "canned-actions", hidden: true } : null]}
        empty={{
          icon: "conversations",
          title: "No canned responses yet",
          short: true,
          text: props.canManage ? (
            <>
              Add the answers your team writes again and again — a greeting, opening hours, how to reset a password — below. Agents then type <code>/</code> and
              the short code in the reply box to insert one.
            </>
          ) : (
            <>An administrator can add saved replies here; you will then insert them by typing / and a short code in the reply box.</>
          ),
        }}
        row={(r) => (
          <tr data-canned-id={r.id}>
            <td class="cell-strong canned-code">
              <code>/{r.shortCode}</code>
            </td>
            <td class="canned-content">{r.content}</td>
            {props.canManage ? (
              <td class="canned-actions">
                <RowActions csrf={csrf} edit={`${base}/${r.id}`} delete={`${base}/${r.id}/delete`} confirm={`Delete the canned response “/${r.shortCode}”?`} />
              </td>
            ) : null}
          </tr>
        )}
      />
      {props.canManage ? (
        <FormCard headingId="add-canned-heading" title="Add canned response">
          <CannedResponseForm
            action={base}
            csrf={csrf}
            values={props.values ?? { short_code: "", content: "" }}
            errors={props.errors}
            submit="Create canned response"
            id="add-canned-form"
          />
        </FormCard>
      ) : null}
    </SettingsFrame>
  );
}

/** One canned response's edit form. */
export function CannedResponsePage(props: { shell: Shell; access: SettingsAccess; item: CannedResponseItem; values?: CannedResponseFormValues; errors?: FieldErrors }) {
  const r = props.item;
  const list = accountPath(props.shell.accountId, "settings/canned-responses");
  return (
    <SettingsFrame shell={props.shell} access={props.access} page="canned-responses" title={`Edit “/${r.shortCode}”`} subtitle="Changes apply the next time an agent inserts it.">
      <FormCard headingId="edit-canned-heading" title="Canned response" actions={<BackLink href={list}>Back to canned responses</BackLink>}>
        <CannedResponseForm
          action={`${list}/${r.id}`}
          csrf={props.shell.doc.csrfToken}
          values={props.values ?? { short_code: r.shortCode, content: r.content }}
          errors={props.errors}
          submit="Save canned response"
          id="edit-canned-form"
        />
      </FormCard>
    </SettingsFrame>
  );
}
