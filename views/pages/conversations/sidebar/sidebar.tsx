/** @jsxImportSource hono/jsx */
// The workspace's right pane: the contact card and the conversation's actions and details, one collapsible
// section each. Every action is a small form that works without JavaScript (post, then back to the
// conversation) and, with htmx, swaps just its own section.
import type { Child } from "hono/jsx";
import { Avatar } from "../../../components/avatar.tsx";
import { CsrfField } from "../../../components/form.tsx";
import { Icon } from "../../../components/icon.tsx";
import { TypedAttributeForms, type TypedAttribute } from "../../custom-attributes/typed-attributes.tsx";
import { SlaSidebarSlot } from "../sla.tsx";

export const SIDEBAR_SECTIONS = ["contact", "actions", "labels", "participants", "attributes", "previous", "info"] as const;
export type SidebarSectionKey = (typeof SIDEBAR_SECTIONS)[number];

export type Person = { id: number; name: string; online: boolean };
export type SidebarData = {
  accountId: number;
  displayId: number;
  csrf: string;
  now: number;
  viewerId: number;
  contact: {
    id: number;
    name: string;
    email: string | null;
    phone: string | null;
    company: string | null;
    location: string | null;
    avatarUrl: string | null;
    socials: { network: string; handle: string; url: string | null }[];
    customAttributes: [string, string][];
    online: boolean | null;
  } | null;
  assigneeId: number | null;
  assigneeName: string | null;
  agents: Person[];
  teamId: number | null;
  teams: { id: number; name: string }[];
  priority: string | null;
  labels: { title: string; color: string | null }[];
  availableLabels: string[];
  participants: Person[];
  participantCandidates: Person[];
  customAttributes: [string, string][];
  /** Defined (typed) conversation attributes, edited with their type's control. */
  typedAttributes?: TypedAttribute[];
  additionalAttributes: [string, string][];
  previous: { displayId: number; status: string; inboxName: string; lastActivityAt: number; snippet: string | null }[];
  /** csat: the contact's answer to the CSAT survey, when they gave one. */
  info: { createdAt: number; inboxName: string; status: string; csat?: { rating: number; feedback: string | null } | null };
  /** A refused action, shown in its section. */
  error?: { section: SidebarSectionKey; message: string };
};

const PRIORITY_OPTIONS = [
  ["none", "None"],
  ["low", "Low"],
  ["medium", "Medium"],
  ["high", "High"],
  ["urgent", "Urgent"],
] as const;

const SECTION_TITLES: Record<SidebarSectionKey, string> = {
  contact: "Contact",
  actions: "Conversation actions",
  labels: "Labels",
  participants: "Participants",
  attributes: "Conversation attributes",
  previous: "Previous conversations",
  info: "Conversation information",
};

export function sidebarBase(d: Pick<SidebarData, "accountId" | "displayId">): string {
  return `/app/accounts/${d.accountId}/conversations/${d.displayId}/sidebar`;
}

function dateTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** Online/offline dot; static/js/sidebar.js updates it on presence.update events. */
function OnlineDot(props: { online: boolean | null | undefined; label: string; userId?: number; contactId?: number }) {
  if (props.online == null) return null;
  return (
    <span
      class={props.online ? "presence-dot is-online" : "presence-dot"}
      role="img"
      aria-label={props.online ? `${props.label} is online` : `${props.label} is offline`}
      data-presence-label={props.label}
      data-presence-user={props.userId != null ? String(props.userId) : undefined}
      data-presence-contact={props.contactId != null ? String(props.contactId) : undefined}
    ></span>
  );
}

/** A form that posts to one sidebar action and, with htmx, swaps its section. */
function ActionForm(props: { d: SidebarData; section: SidebarSectionKey; action: string; trigger?: string; class?: string; label?: string; children: Child }) {
  const url = `${sidebarBase(props.d)}/${props.action}`;
  return (
    <form
      method="post"
      action={url}
      hx-post={url}
      hx-target={`#sidebar-section-${props.section}`}
      hx-swap="outerHTML"
      hx-trigger={props.trigger}
      class={props.class ?? "sidebar-form"}
      aria-label={props.label}
    >
      <CsrfField token={props.d.csrf} />
      {props.children}
    </form>
  );
}

function NoScriptSubmit(props: { label?: string }) {
  return (
    <noscript>
      <button type="submit" class="btn btn-secondary btn-sm">
        {props.label ?? "Save"}
      </button>
    </noscript>
  );
}

export function SidebarSection(props: { d: SidebarData; section: SidebarSectionKey; children: Child; count?: number }) {
  const key = props.section;
  const error = props.d.error?.section === key ? props.d.error.message : null;
  return (
    <section class="sidebar-section" id={`sidebar-section-${key}`} data-section={key} aria-labelledby={`sidebar-heading-${key}`}>
      <h2 class="sidebar-section-heading" id={`sidebar-heading-${key}`}>
        <button type="button" class="sidebar-section-toggle" aria-expanded="true" aria-controls={`sidebar-body-${key}`} data-sidebar-toggle={key}>
          <span>{SECTION_TITLES[key]}</span>
          {props.count != null ? <span class="sidebar-count">{props.count}</span> : null}
          <Icon name="chevronsUpDown" size={14} class="sidebar-chevron" />
        </button>
      </h2>
      <div class="sidebar-section-body" id={`sidebar-body-${key}`}>
        {error ? (
          <p class="field-error sidebar-error" role="alert" data-testid="sidebar-error">
            {error}
          </p>
        ) : null}
        {props.children}
      </div>
    </section>
  );
}

function KeyValues(props: { rows: [string, string][]; empty: string }) {
  if (!props.rows.length) return <p class="muted sidebar-empty">{props.empty}</p>;
  return (
    <dl class="sidebar-kv">
      {props.rows.map(([k, v]) => (
        <div class="sidebar-kv-row">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ContactSection(props: { d: SidebarData }) {
  const d = props.d;
  const c = d.contact;
  if (!c)
    return (
      <SidebarSection d={d} section="contact">
        <p class="muted">No contact.</p>
      </SidebarSection>
    );
  const rows: [string, Child, string][] = [];
  if (c.email) rows.push(["Email", <a href={`mailto:${c.email}`}>{c.email}</a>, "mail"]);
  if (c.phone) rows.push(["Phone", <a href={`tel:${c.phone}`}>{c.phone}</a>, "user"]);
  if (c.company) rows.push(["Company", c.company, "building"]);
  if (c.location) rows.push(["Location", c.location, "globe"]);
  return (
    <SidebarSection d={d} section="contact">
      <div class="contact-card" data-contact-id={String(c.id)}>
        <div class="contact-card-head">
          <Avatar name={c.name || "Contact"} url={c.avatarUrl} size="lg" />
          <div class="contact-card-name">
            <a href={`/app/accounts/${d.accountId}/contacts/${c.id}`} class="contact-card-link">
              {c.name || "Unnamed contact"}
            </a>
            <OnlineDot online={c.online} label={c.name || "Contact"} contactId={c.id} />
          </div>
        </div>
        {rows.length ? (
          <ul class="contact-card-details">
            {rows.map(([label, value, icon]) => (
              <li>
                <Icon name={icon as "mail"} size={14} />
                <span class="visually-hidden">{label}: </span>
                <span class="sidebar-ellipsis">{value}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted sidebar-empty">No email, phone or company yet.</p>
        )}
        {c.socials.length ? (
          <ul class="contact-card-socials" aria-label="Social profiles">
            {c.socials.map((s) => (
              <li>
                {s.url ? (
                  <a href={s.url} rel="noopener noreferrer nofollow" target="_blank">
                    {s.network}: {s.handle}
                  </a>
                ) : (
                  <span>
                    {s.network}: {s.handle}
                  </span>
                )}
              </li>
            ))}
          </ul>
        ) : null}
        {c.customAttributes.length ? (
          <>
            <h3 class="sidebar-subheading">Contact attributes</h3>
            <KeyValues rows={c.customAttributes} empty="" />
          </>
        ) : null}
      </div>
    </SidebarSection>
  );
}

export function ActionsSection(props: { d: SidebarData }) {
  const d = props.d;
  const selfEligible = d.agents.some((a) => a.id === d.viewerId);
  const assigneeKnown = d.assigneeId == null || d.agents.some((a) => a.id === d.assigneeId);
  return (
    <SidebarSection d={d} section="actions">
      <ActionForm d={d} section="actions" action="assignee" trigger="change, submit" label="Assignee">
        <div class="field">
          <div class="field-label-row">
            <label for="sidebar-assignee">Assigned agent</label>
            {selfEligible && d.assigneeId !== d.viewerId ? (
              <button type="submit" name="assign_self" value="1" class="btn-link" data-shortcut="assign-self">
                Assign to me
              </button>
            ) : null}
          </div>
          <select class="select" id="sidebar-assignee" name="assignee_id" data-testid="assignee-select">
            <option value="" selected={d.assigneeId == null}>
              None
            </option>
            {!assigneeKnown ? (
              <option value={String(d.assigneeId)} selected>
                {d.assigneeName ?? "Former agent"}
              </option>
            ) : null}
            {d.agents.map((a) => (
              <option value={String(a.id)} selected={a.id === d.assigneeId}>
                {a.name}
                {a.online ? " (online)" : ""}
              </option>
            ))}
          </select>
          <NoScriptSubmit label="Assign" />
        </div>
      </ActionForm>
      <ActionForm d={d} section="actions" action="team" trigger="change, submit" label="Team">
        <div class="field">
          <label for="sidebar-team">Assigned team</label>
          <select class="select" id="sidebar-team" name="team_id" data-testid="team-select">
            <option value="" selected={d.teamId == null}>
              None
            </option>
            {d.teams.map((t) => (
              <option value={String(t.id)} selected={t.id === d.teamId}>
                {t.name}
              </option>
            ))}
          </select>
          <NoScriptSubmit />
        </div>
      </ActionForm>
      <ActionForm d={d} section="actions" action="priority" trigger="change, submit" label="Priority">
        <div class="field">
          <label for="sidebar-priority">Priority</label>
          <select class="select" id="sidebar-priority" name="priority" data-testid="priority-select">
            {PRIORITY_OPTIONS.map(([value, label]) => (
              <option value={value} selected={(d.priority ?? "none") === value}>
                {label}
              </option>
            ))}
          </select>
          <NoScriptSubmit />
        </div>
      </ActionForm>
    </SidebarSection>
  );
}

export function LabelsSection(props: { d: SidebarData }) {
  const d = props.d;
  const applied = new Set(d.labels.map((l) => l.title));
  const addable = d.availableLabels.filter((l) => !applied.has(l));
  return (
    <SidebarSection d={d} section="labels" count={d.labels.length}>
      {d.labels.length ? (
        <ul class="sidebar-chips" aria-label="Conversation labels">
          {d.labels.map((l) => (
            <li class="sidebar-chip" data-label={l.title}>
              <span class="label-swatch" data-color={l.color ?? ""}></span>
              <span>{l.title}</span>
              <ActionForm d={d} section="labels" action="labels/remove" class="sidebar-inline-form">
                <input type="hidden" name="label" value={l.title} />
                <button type="submit" class="sidebar-chip-remove" aria-label={`Remove label ${l.title}`}>
                  <Icon name="x" size={12} />
                </button>
              </ActionForm>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted sidebar-empty">No labels yet.</p>
      )}
      {addable.length ? (
        <ActionForm d={d} section="labels" action="labels" class="sidebar-row-form" label="Add label">
          <label for="sidebar-add-label" class="visually-hidden">
            Add label
          </label>
          <select class="select" id="sidebar-add-label" name="label" data-testid="label-select">
            {addable.map((l) => (
              <option value={l}>{l}</option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary btn-sm">
            Add
          </button>
        </ActionForm>
      ) : d.availableLabels.length === 0 ? (
        <p class="muted sidebar-empty">
          Create labels in <a href={`/app/accounts/${d.accountId}/settings/labels`}>Settings → Labels</a>.
        </p>
      ) : null}
    </SidebarSection>
  );
}

export function ParticipantsSection(props: { d: SidebarData }) {
  const d = props.d;
  return (
    <SidebarSection d={d} section="participants" count={d.participants.length}>
      {d.participants.length ? (
        <ul class="sidebar-people" aria-label="Participants">
          {d.participants.map((p) => (
            <li data-participant-id={String(p.id)}>
              <Avatar name={p.name} size="sm" />
              <span class="sidebar-ellipsis">{p.name}</span>
              <OnlineDot online={p.online} label={p.name} userId={p.id} />
              <ActionForm d={d} section="participants" action="participants/remove" class="sidebar-inline-form">
                <input type="hidden" name="user_id" value={String(p.id)} />
                <button type="submit" class="sidebar-chip-remove" aria-label={`Remove participant ${p.name}`}>
                  <Icon name="x" size={12} />
                </button>
              </ActionForm>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted sidebar-empty">No participants. Agents added here follow the conversation.</p>
      )}
      {d.participantCandidates.length ? (
        <ActionForm d={d} section="participants" action="participants" class="sidebar-row-form" label="Add participant">
          <label for="sidebar-add-participant" class="visually-hidden">
            Add participant
          </label>
          <select class="select" id="sidebar-add-participant" name="user_id" data-testid="participant-select">
            {d.participantCandidates.map((p) => (
              <option value={String(p.id)}>{p.name}</option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary btn-sm">
            Add
          </button>
        </ActionForm>
      ) : null}
    </SidebarSection>
  );
}

export function AttributesSection(props: { d: SidebarData }) {
  const d = props.d;
  return (
    <SidebarSection d={d} section="attributes">
      <h3 class="sidebar-subheading">Custom attributes</h3>
      <TypedAttributeForms items={d.typedAttributes ?? []} action={`${sidebarBase(d)}/custom-attributes`} csrf={d.csrf} idPrefix="sidebar-ca" hxTarget="#sidebar-section-attributes" />
      {d.customAttributes.length ? (
        <dl class="sidebar-kv" aria-label="Custom attributes">
          {d.customAttributes.map(([k, v]) => (
            <div class="sidebar-kv-row">
              <dt>{k}</dt>
              <dd>
                <span>{v}</span>
                <ActionForm d={d} section="attributes" action="custom-attributes/remove" class="sidebar-inline-form">
                  <input type="hidden" name="key" value={k} />
                  <button type="submit" class="sidebar-chip-remove" aria-label={`Remove attribute ${k}`}>
                    <Icon name="x" size={12} />
                  </button>
                </ActionForm>
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        d.typedAttributes?.length ? null : <p class="muted sidebar-empty">No custom attributes.</p>
      )}
      <ActionForm d={d} section="attributes" action="custom-attributes" class="sidebar-attr-form" label="Set custom attribute">
        <label for="sidebar-attr-key" class="visually-hidden">
          Attribute key
        </label>
        <input id="sidebar-attr-key" name="key" placeholder="key" maxlength={100} required autocomplete="off" />
        <label for="sidebar-attr-value" class="visually-hidden">
          Attribute value
        </label>
        <input id="sidebar-attr-value" name="value" placeholder="value" maxlength={1000} autocomplete="off" />
        <button type="submit" class="btn btn-secondary btn-sm">
          Set
        </button>
      </ActionForm>
      <h3 class="sidebar-subheading">Additional attributes</h3>
      <KeyValues rows={d.additionalAttributes} empty="None (browser, referer and the like appear here)." />
    </SidebarSection>
  );
}

export function PreviousSection(props: { d: SidebarData }) {
  const d = props.d;
  return (
    <SidebarSection d={d} section="previous" count={d.previous.length}>
      {d.previous.length ? (
        <ul class="sidebar-previous">
          {d.previous.map((p) => (
            <li>
              <a href={`/app/accounts/${d.accountId}/conversations/${p.displayId}`} data-previous-conversation={String(p.displayId)}>
                <span class="sidebar-previous-id">#{p.displayId}</span>
                <span class={`badge badge-neutral status-${p.status}`}>{p.status}</span>
                <span class="muted sidebar-ellipsis">{p.inboxName}</span>
              </a>
              {p.snippet ? <p class="muted sidebar-ellipsis sidebar-previous-snippet">{p.snippet}</p> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted sidebar-empty">No other conversations with this contact.</p>
      )}
    </SidebarSection>
  );
}

export function InfoSection(props: { d: SidebarData }) {
  const d = props.d;
  return (
    <SidebarSection d={d} section="info">
      <dl class="sidebar-kv">
        <div class="sidebar-kv-row">
          <dt>Conversation</dt>
          <dd>#{d.displayId}</dd>
        </div>
        <div class="sidebar-kv-row">
          <dt>Inbox</dt>
          <dd>{d.info.inboxName}</dd>
        </div>
        <div class="sidebar-kv-row">
          <dt>Status</dt>
          <dd>{d.info.status}</dd>
        </div>
        <div class="sidebar-kv-row">
          <dt>Created</dt>
          <dd>
            <time datetime={new Date(d.info.createdAt).toISOString()}>{dateTime(d.info.createdAt)}</time>
          </dd>
        </div>
        {d.info.csat ? (
          <div class="sidebar-kv-row sidebar-csat">
            <dt>CSAT rating</dt>
            <dd>
              <span class="sidebar-csat-stars" aria-label={`${d.info.csat.rating} out of 5`}>
                {"★".repeat(d.info.csat.rating)}
                <span class="muted">{"★".repeat(5 - d.info.csat.rating)}</span>
              </span>{" "}
              {d.info.csat.rating}/5
              {d.info.csat.feedback ? <p class="muted sidebar-csat-feedback">“{d.info.csat.feedback}”</p> : null}
            </dd>
          </div>
        ) : null}
      </dl>
    </SidebarSection>
  );
}

export const SECTION_VIEWS: Record<SidebarSectionKey, (props: { d: SidebarData }) => unknown> = {
  contact: ContactSection,
  actions: ActionsSection,
  labels: LabelsSection,
  participants: ParticipantsSection,
  attributes: AttributesSection,
  previous: PreviousSection,
  info: InfoSection,
};

/** The sections of the sidebar (the pane's content). */
export function SidebarContent(props: { d: SidebarData }) {
  const d = props.d;
  return (
    <div class="sidebar-content" data-contact-id={d.contact ? String(d.contact.id) : ""} data-sections-url={sidebarBase(d)}>
      <ContactSection d={d} />
      <ActionsSection d={d} />
      <SlaSidebarSlot url={`/app/accounts/${d.accountId}/conversations/${d.displayId}/sla`} />
      <LabelsSection d={d} />
      <ParticipantsSection d={d} />
      <AttributesSection d={d} />
      <PreviousSection d={d} />
      <InfoSection d={d} />
    </div>
  );
}
