/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { Icon } from "../../components/icon.tsx";
import { AppLayout, PageHeader, accountPath, type Shell } from "../../layouts/app.tsx";

export function ConversationsPage(props: { shell: Shell }) {
  return (
    <AppLayout shell={props.shell}>
      <PageHeader title="Conversations" subtitle="Every customer conversation from your inboxes, in one place." />
      <div class="page-body">
        <section class="card card-empty">
          <EmptyState
            icon="inbox"
            title="No conversations yet"
            actions={
              <a class="btn btn-secondary" href={accountPath(props.shell.accountId, "settings/profile")}>
                <Icon name="user" size={16} /> Complete your profile
              </a>
            }
          >
            When customers write to one of your inboxes — the website widget, email or the API — their conversations show up here, newest first.
          </EmptyState>
        </section>
      </div>
    </AppLayout>
  );
}
