/** @jsxImportSource hono/jsx */
import { EmptyState } from "../../components/empty-state.tsx";
import { Icon, type IconName } from "../../components/icon.tsx";
import { AppLayout, PageHeader, type Shell } from "../../layouts/app.tsx";

const METRICS: { label: string; icon: IconName }[] = [
  { label: "Conversations", icon: "conversations" },
  { label: "Incoming messages", icon: "inbox" },
  { label: "First response time", icon: "clock" },
  { label: "Resolution time", icon: "checkCircle" },
];

export function ReportsPage(props: { shell: Shell }) {
  return (
    <AppLayout shell={props.shell}>
      <PageHeader title="Reports" subtitle="How your team is doing over the last 7 days." />
      <div class="page-body stack-lg">
        <div class="metric-grid">
          {METRICS.map((m) => (
            <section class="card metric">
              <p class="metric-label">
                <Icon name={m.icon} size={16} /> {m.label}
              </p>
              <p class="metric-value">—</p>
              <p class="metric-hint">No data yet</p>
            </section>
          ))}
        </div>
        <section class="card card-empty">
          <EmptyState icon="activity" title="Nothing to report yet">
            Reports fill in as your team handles conversations: volume, response and resolution times per agent, inbox and label.
          </EmptyState>
        </section>
      </div>
    </AppLayout>
  );
}
