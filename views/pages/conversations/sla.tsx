/** @jsxImportSource hono/jsx */
// SLA status in the workspace: the badge of a conversation list row and the sidebar's SLA card (with the picker
// that applies a policy to a conversation that has none). static/js/sla.js refreshes the card on realtime
// conversation.updated and keeps the "due in" texts current between events.
import { CsrfField } from "../../components/form.tsx";
import { Icon } from "../../components/icon.tsx";

export type SlaState = "on_time" | "due_soon" | "missed" | "hit";

/** What the list row shows: the state and the headline ("First response due in 42m"). */
export type SlaBadgeData = {
  state: SlaState;
  headline: string;
  policyName: string;
  /** The running target the headline counts down to, with the moment it turns "due soon" (epoch ms). */
  dueAt: number | null;
  soonAt: number | null;
  label: string | null;
};

export type SlaCardData = {
  base: string;
  csrf: string;
  /** The applied SLA, or null (then the picker, if there are policies). */
  sla:
    | (SlaBadgeData & {
        targets: { label: string; dueAt: number; soonAt: number; state: Exclude<SlaState, "hit"> }[];
        misses: { label: string; at: number }[];
        businessHoursOnly: boolean;
      })
    | null;
  policies: { id: number; name: string }[];
  canManagePolicies: boolean;
  settingsUrl: string;
  error?: string | null;
  now: number;
};

const STATE_TEXT: Record<SlaState, string> = { on_time: "On time", due_soon: "Due soon", missed: "Missed", hit: "Hit" };

/** The attributes sla.js reads to keep a countdown current. */
function countdown(dueAt: number | null, soonAt: number | null, label: string | null) {
  return dueAt != null && label ? { "data-sla-due-at": String(dueAt), "data-sla-soon-at": String(soonAt ?? dueAt), "data-sla-label": label } : {};
}

/** The list row's badge: the state in colour and words, the headline as its accessible description. */
export function SlaBadge(props: { sla: SlaBadgeData }) {
  const s = props.sla;
  return (
    <span class={`sla-badge sla-badge-${s.state}`} data-sla-state={s.state} title={`SLA ${s.policyName}: ${s.headline}`} {...countdown(s.dueAt, s.soonAt, s.label)} data-sla-badge="">
      <Icon name="clock" size={12} />
      <span class="sla-badge-text" data-sla-text="state">
        {STATE_TEXT[s.state]}
      </span>
      <span class="visually-hidden">: {s.headline}</span>
    </span>
  );
}

/** Where the sidebar's SLA card goes: loaded (and reloaded on realtime updates) from `url`. */
export function SlaSidebarSlot(props: { url: string }) {
  return (
    <section class="sidebar-section sla-section" id="sidebar-section-sla" data-section="sla" data-sla-card-url={props.url} hx-get={props.url} hx-trigger="load" hx-swap="outerHTML" aria-label="SLA">
      <p class="muted sidebar-empty sla-loading">Loading SLA…</p>
    </section>
  );
}

function when(ms: number, now: number): string {
  const d = new Date(ms);
  const sameDay = Math.abs(ms - now) < 20 * 3600_000;
  return sameDay ? d.toISOString().slice(11, 16) + " UTC" : d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** The sidebar's SLA section: the applied policy and its targets, or the picker. */
export function SlaCard(props: { d: SlaCardData }) {
  const d = props.d;
  const s = d.sla;
  return (
    <section class="sidebar-section sla-section" id="sidebar-section-sla" data-section="sla" data-sla-card-url={d.base} aria-labelledby="sidebar-heading-sla">
      <h2 class="sidebar-section-heading" id="sidebar-heading-sla">
        <button type="button" class="sidebar-section-toggle" aria-expanded="true" aria-controls="sidebar-body-sla" data-sidebar-toggle="sla">
          <span>SLA</span>
          {s ? <span class={`sla-badge sla-badge-${s.state}`}>{STATE_TEXT[s.state]}</span> : null}
          <Icon name="chevronsUpDown" size={14} class="sidebar-chevron" />
        </button>
      </h2>
      <div class="sidebar-section-body" id="sidebar-body-sla">
        {d.error ? (
          <p class="field-error sidebar-error" role="alert">
            {d.error}
          </p>
        ) : null}
        {s ? (
          <div class={`sla-card sla-card-${s.state}`} data-sla-card="">
            <p class="sla-policy-name">
              {s.policyName}
              {s.businessHoursOnly ? <span class="sla-hours"> · business hours</span> : null}
            </p>
            <p class="sla-headline" data-sla-headline="" {...countdown(s.dueAt, s.soonAt, s.label)}>
              <span data-sla-text="headline">{s.headline}</span>
            </p>
            {s.targets.length ? (
              <ul class="sla-targets">
                {s.targets.map((t) => (
                  <li class={`sla-target sla-target-${t.state}`} {...countdown(t.dueAt, t.soonAt, t.label)}>
                    <span class="sla-target-label">{t.label}</span>
                    <span class="sla-target-due">
                      <span data-sla-text="state">{STATE_TEXT[t.state]}</span> · due {when(t.dueAt, d.now)}
                    </span>
                  </li>
                ))}
              </ul>
            ) : null}
            {s.misses.length ? (
              <ul class="sla-misses" aria-label="Missed targets">
                {s.misses.map((m) => (
                  <li>
                    <Icon name="alert" size={12} /> {m.label} missed · {when(m.at, d.now)}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : d.policies.length ? (
          <form method="post" action={d.base} hx-post={d.base} hx-target="#sidebar-section-sla" hx-swap="outerHTML" class="sidebar-form sla-apply" aria-label="Apply an SLA policy">
            <CsrfField token={d.csrf} />
            <p class="muted sla-none">No SLA on this conversation.</p>
            <label class="visually-hidden" for="sla-policy-select">
              SLA policy
            </label>
            <div class="sla-apply-row">
              <select class="select" id="sla-policy-select" name="sla_policy_id" required>
                <option value="">Choose a policy…</option>
                {d.policies.map((p) => (
                  <option value={String(p.id)}>{p.name}</option>
                ))}
              </select>
              <button type="submit" class="btn btn-secondary btn-sm">
                Apply
              </button>
            </div>
          </form>
        ) : (
          <p class="muted sidebar-empty">
            No SLA policies yet.{" "}
            {d.canManagePolicies ? (
              <a href={d.settingsUrl}>Create one in settings</a>
            ) : (
              "An administrator can create them in settings."
            )}
          </p>
        )}
      </div>
    </section>
  );
}
