/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { AppLayout, PageHeader, type Shell } from "../../layouts/app.tsx";

export function HelpCenterPage(props: { shell: Shell }) {
  return (
    <AppLayout shell={props.shell}>
      <PageHeader title="Help Center" subtitle="Publish answers so customers can help themselves." />
      <div class="page-body">
        <section class="card card-empty">
          <EmptyState icon="helpCenter" title="No help center portals yet">
            A portal groups articles into categories and publishes them as a searchable help center. Portals you create will be listed here.
          </EmptyState>
        </section>
      </div>
    </AppLayout>
  );
}
