/** @jsxImportSource hono/jsx */
import { Avatar } from "../../../components/avatar.tsx";
import { CsrfField } from "../../../components/form.tsx";
import { Icon } from "../../../components/icon.tsx";
import type { HeaderView } from "./types.ts";
import { TranscriptMenu } from "./transcript.tsx";
import { ChannelIcon } from "./email.tsx";
import { MacroMenu } from "../../settings/macros.tsx";

const STATUS_LABELS: Record<HeaderView["status"], string> = { open: "Open", resolved: "Resolved", pending: "Pending", snoozed: "Snoozed" };
const STATUS_BADGES: Record<HeaderView["status"], string> = { open: "badge-info", resolved: "badge-success", pending: "badge-neutral", snoozed: "badge-neutral" };

/** Alpine modifiers contain dots, which JSX attribute names cannot: they are spread in. */
const MENU_EVENTS = { "x-on:keydown.escape": "closeAndFocus", "x-on:click.outside": "close" };

function snoozeText(until: number | null): string {
  if (until == null) return "Snoozed until the next reply";
  return `Snoozed until ${new Date(until).toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/** A one-button form posting a status change; conversation.js swaps the header in place, without JavaScript it posts and redirects. */
function StatusForm(props: { h: HeaderView; status: string; class: string; label: string; shortcut?: string; extra?: Record<string, string>; role?: string; testid: string }) {
  const { h } = props;
  return (
    <form method="post" action={`${h.baseUrl}/status`} class="menu-form status-form" data-status-form>
      <CsrfField token={h.csrfToken} />
      <input type="hidden" name="status" value={props.status} />
      <input type="hidden" name="tz_offset" value="0" class="tz-offset" />
      {Object.entries(props.extra ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={props.class} data-shortcut={props.shortcut} role={props.role} data-testid={props.testid}>
        {props.label}
      </button>
    </form>
  );
}

export function ConversationHeader(props: { h: HeaderView }) {
  const { h } = props;
  const open = h.status === "open";
  return (
    <header id="conversation-header" class="conversation-header" data-status={h.status}>
      <a class="conversation-back icon-button" href={`/app/accounts/${h.accountId}/dashboard`} aria-label="Back to conversations">
        <Icon name="arrowLeft" size={18} />
      </a>
      <Avatar name={h.contactName} url={h.contactAvatarUrl} size="md" />
      <div class="conversation-title">
        <h2 tabindex={-1} id="conversation-heading">
          {h.contactName}
        </h2>
        <p class="conversation-subtitle">
          <span class="conversation-inbox" data-channel={h.channelKind ?? "other"} title={`Channel: ${h.channelLabel}`} data-testid="conversation-channel">
            {h.channelKind ? <ChannelIcon kind={h.channelKind} size={13} /> : <Icon name="inbox" size={13} />} {h.inboxName} · {h.channelLabel}
          </span>
          <span class={`badge ${STATUS_BADGES[h.status]} conversation-status`} data-testid="conversation-status">
            {STATUS_LABELS[h.status]}
          </span>
          {h.status === "snoozed" ? <span class="conversation-snoozed">{snoozeText(h.snoozedUntil)}</span> : null}
        </p>
        {h.mailSubject ? (
          <p class="conversation-mail-subject" data-testid="conversation-subject" title={h.mailSubject}>
            <span class="conversation-mail-subject-label">Subject:</span>{" "}
            {h.mailSubject}
          </p>
        ) : null}
      </div>
      <div class="conversation-actions">
        {open ? (
          <>
            <StatusForm h={h} status="resolved" class="btn btn-primary btn-sm" label="Resolve" shortcut="resolve" testid="resolve" />
            <StatusForm h={h} status="resolved" class="btn btn-secondary btn-sm resolve-next" label="Resolve and next" extra={{ next: "1" }} testid="resolve-next" />
          </>
        ) : (
          <StatusForm h={h} status="open" class="btn btn-primary btn-sm" label="Reopen" testid="reopen" />
        )}
        <div class="snooze-menu" x-data="menu" {...MENU_EVENTS}>
          <button type="button" class="btn btn-secondary btn-sm" x-ref="button" x-on:click="toggle" x-bind:aria-expanded="open" aria-haspopup="true" aria-controls="snooze-menu-panel" data-testid="more-status">
            <Icon name="clock" size={15} /> <span class="snooze-label">Snooze</span>
          </button>
          <div class="menu menu-down snooze-panel" id="snooze-menu-panel" x-show="open" x-cloak role="menu">
            <p class="menu-heading">Snooze until</p>
            <StatusForm h={h} status="snoozed" class="menu-item" role="menuitem" label="1 hour" extra={{ snooze: "hour" }} testid="snooze-hour" />
            <StatusForm h={h} status="snoozed" class="menu-item" role="menuitem" label="Tomorrow, 9:00" extra={{ snooze: "tomorrow" }} testid="snooze-tomorrow" />
            <StatusForm h={h} status="snoozed" class="menu-item" role="menuitem" label="Next week, Monday 9:00" extra={{ snooze: "next_week" }} testid="snooze-next-week" />
            <form method="post" action={`${h.baseUrl}/status`} class="snooze-custom" data-status-form>
              <CsrfField token={h.csrfToken} />
              <input type="hidden" name="status" value="snoozed" />
              <input type="hidden" name="snooze" value="custom" />
              <input type="hidden" name="tz_offset" value="0" class="tz-offset" />
              <label for="snooze-custom-at">Pick a date and time</label>
              <div class="snooze-custom-row">
                <input type="datetime-local" id="snooze-custom-at" name="snoozed_until" required />
                <button type="submit" class="btn btn-secondary btn-sm" data-testid="snooze-custom">
                  Snooze
                </button>
              </div>
            </form>
            {h.status !== "pending" ? (
              <>
                <div class="menu-separator"></div>
                <StatusForm h={h} status="pending" class="menu-item" role="menuitem" label="Mark as pending" testid="mark-pending" />
              </>
            ) : null}
          </div>
        </div>
        {h.macros !== undefined ? <MacroMenu accountId={h.accountId} displayId={h.displayId} csrfToken={h.csrfToken} macros={h.macros} /> : null}
        {h.contactEmail !== undefined ? <TranscriptMenu h={h} /> : null}
      </div>
    </header>
  );
}
