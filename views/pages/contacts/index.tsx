/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { AppLayout, PageHeader, type Shell } from "../../layouts/app.tsx";

export function ContactsPage(props: { shell: Shell }) {
  return (
    <AppLayout shell={props.shell}>
      <PageHeader title="Contacts" subtitle="The people and companies you talk to." />
      <div class="page-body">
        <section class="card card-empty">
          <EmptyState icon="contacts" title="No contacts yet">
            A contact is created for everyone who starts a conversation. Their details, attributes and past conversations will be listed here.
          </EmptyState>
        </section>
      </div>
    </AppLayout>
  );
}
