/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import { Avatar } from "../../../components/avatar.tsx";
import { Icon } from "../../../components/icon.tsx";
import type { AttachmentView, ItemView, MessageView, TimelineView } from "./types.ts";
import { EmailAttachments, EmailBody, EmailMeta } from "./email.tsx";

const STATUS_LABELS: Record<MessageView["status"], string> = { sent: "Sent", delivered: "Delivered", read: "Read", failed: "Failed", progress: "Sending" };

/** Two ticks (delivered / read), drawn like the one-tick check icon. */
function DoubleTick() {
  return (
    <svg class="icon" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      {raw('<path d="M17 7 8 17l-4-4"/><path d="m22 7-9.5 10-1-1"/>')}
    </svg>
  );
}

export function formatBytes(n: number | null): string {
  if (n == null) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

/** "14:05" today, "12 Nov, 14:05" otherwise (UTC, as the server renders); the exact time is in the tooltip. */
export function shortTime(at: number, now: number): string {
  const d = new Date(at);
  const hm = d.toISOString().slice(11, 16);
  if (iso(at).slice(0, 10) === iso(now).slice(0, 10)) return hm;
  const month = d.toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
  const sameYear = d.getUTCFullYear() === new Date(now).getUTCFullYear();
  return `${d.getUTCDate()} ${month}${sameYear ? "" : ` ${d.getUTCFullYear()}`}, ${hm}`;
}

function MessageTime(props: { at: number; now: number }) {
  const stamp = iso(props.at);
  return (
    <time class="message-time" datetime={stamp} title={stamp.replace("T", " ").slice(0, 19) + " UTC"}>
      {shortTime(props.at, props.now)}
    </time>
  );
}

function DeliveryState(props: { m: MessageView }) {
  const { status, error } = props.m;
  const label = STATUS_LABELS[status];
  return (
    <span class={`message-delivery delivery-${status}`} data-status={status} title={status === "failed" && error ? `${label}: ${error}` : label}>
      {status === "failed" ? <Icon name="alert" size={14} /> : status === "progress" ? <Icon name="clock" size={14} /> : status === "sent" ? <Icon name="check" size={14} /> : <DoubleTick />}
      <span class="visually-hidden">{label}</span>
    </span>
  );
}

function Attachment(props: { a: AttachmentView }) {
  const { a } = props;
  if (a.fileType === "image") {
    return (
      <a class="attachment attachment-image" href={a.url} target="_blank" rel="noopener noreferrer">
        <img src={a.url} alt={a.name} loading="lazy" />
      </a>
    );
  }
  if (a.fileType === "video") {
    return (
      <div class="attachment attachment-video">
        <video src={a.url} controls preload="metadata"></video>
      </div>
    );
  }
  if (a.fileType === "audio") {
    return (
      <div class="attachment attachment-audio">
        <audio src={a.url} controls preload="metadata"></audio>
      </div>
    );
  }
  return (
    <a class="attachment attachment-file" href={a.url} target="_blank" rel="noopener noreferrer" download={a.name}>
      <Icon name="fileText" size={18} />
      <span class="attachment-name">{a.name}</span>
      {a.size != null ? <span class="attachment-size">{formatBytes(a.size)}</span> : null}
    </a>
  );
}

function Items(props: { m: MessageView }) {
  const { contentType, items, submitted } = props.m;
  if (!items.length && !submitted.length) return null;
  if (contentType === "cards" || contentType === "article") {
    return (
      <div class="message-cards">
        {items.map((it: ItemView) => (
          <div class="message-card">
            {it.imageUrl ? <img src={it.imageUrl} alt="" loading="lazy" /> : null}
            <p class="message-card-title">{it.url ? <a href={it.url} target="_blank" rel="noopener noreferrer nofollow">{it.title}</a> : it.title}</p>
            {it.description ? <p class="message-card-text">{it.description}</p> : null}
            {it.links?.length ? (
              <p class="message-card-links">
                {it.links.map((l) => (
                  <a href={l.url} target="_blank" rel="noopener noreferrer nofollow">
                    {l.text}
                  </a>
                ))}
              </p>
            ) : null}
          </div>
        ))}
      </div>
    );
  }
  return (
    <div class="message-items">
      {items.length ? (
        <ul class={contentType === "form" ? "message-form-fields" : "message-options"} aria-label={contentType === "form" ? "Form fields" : "Options"}>
          {items.map((it) => (
            <li>
              {it.title}
              {it.description ? <span class="message-item-hint"> ({it.description})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {submitted.length ? (
        <dl class="message-submitted">
          {submitted.map((s) => (
            <div>
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

/** One message of the timeline; also the fragment appended or replaced live. */
export function MessageItem(props: { m: MessageView; now: number }) {
  const { m, now } = props;
  if (m.kind === "activity") {
    return (
      <li class="message message-activity" id={`message-${m.id}`} data-message-id={m.id}>
        <span class="message-activity-text">{raw(m.html)}</span>
        <MessageTime at={m.createdAt} now={now} />
      </li>
    );
  }
  const side = m.kind === "incoming" ? "message-in" : "message-out";
  const email = m.deleted ? null : (m.email ?? null);
  const classes = ["message", side, m.isPrivate ? "message-private" : "", m.deleted ? "message-deleted" : "", m.status === "failed" ? "message-failed" : "", email ? "message-email" : ""].filter(Boolean).join(" ");
  const senderName = m.sender?.name ?? (m.kind === "incoming" ? "Contact" : "System");
  return (
    <li class={classes} id={`message-${m.id}`} data-message-id={m.id} data-private={m.isPrivate ? "true" : "false"}>
      <span class="message-avatar" title={senderName}>
        <Avatar name={senderName} url={m.sender?.avatarUrl} size="sm" />
      </span>
      <div class="message-body">
        <div class="message-meta">
          <span class="message-sender">{senderName}</span>
          {m.sender?.kind === "bot" ? <span class="badge message-tag">Bot</span> : null}
          {m.isPrivate ? (
            <span class="message-tag message-tag-private">
              <Icon name="lock" size={12} /> Private note
            </span>
          ) : null}
          <MessageTime at={m.createdAt} now={now} />
        </div>
        <div class="message-bubble">
          {m.deleted ? (
            <p class="message-deleted-text">
              <Icon name="x" size={14} /> This message was deleted
            </p>
          ) : (
            <>
              {email ? <EmailMeta e={email} /> : null}
              {email?.body ? <EmailBody messageId={m.id} body={email.body} /> : m.html ? <div class="message-content">{raw(m.html)}</div> : null}
              <Items m={m} />
              {email && (m.attachments.length || email.skipped.length) ? (
                <EmailAttachments list={m.attachments} skipped={email.skipped} />
              ) : m.attachments.length ? (
                <div class="message-attachments">
                  {m.attachments.map((a) => (
                    <Attachment a={a} />
                  ))}
                </div>
              ) : null}
            </>
          )}
        </div>
        <div class="message-footer">
          {m.edited && !m.deleted ? <span class="message-edited">Edited</span> : null}
          {m.kind !== "incoming" && !m.isPrivate ? <DeliveryState m={m} /> : null}
          {m.status === "failed" && m.error ? <span class="message-error">{m.error}</span> : null}
        </div>
      </div>
    </li>
  );
}

/** The "load older" row: loads the page before the first message when it scrolls into view (or is clicked). */
export function OlderLoader(props: { url: string }) {
  return (
    <li class="timeline-older" id="timeline-older">
      <button type="button" class="btn btn-secondary btn-sm timeline-older-button" hx-get={props.url} hx-trigger="click, intersect once" hx-target="#timeline-older" hx-swap="outerHTML">
        Load older messages
      </button>
    </li>
  );
}

/** Messages plus, when there are more, the loader of the page before them (the "load older" fragment). */
export function TimelineChunk(props: { timeline: TimelineView }) {
  const { timeline } = props;
  return (
    <>
      {timeline.olderUrl ? <OlderLoader url={timeline.olderUrl} /> : <li class="timeline-start">Start of the conversation</li>}
      {timeline.messages.map((m) => (
        <MessageItem m={m} now={timeline.now} />
      ))}
    </>
  );
}

/** Several messages (newer than what the page shows), without any loader. */
export function MessageItems(props: { messages: MessageView[]; now: number }) {
  return (
    <>
      {props.messages.map((m) => (
        <MessageItem m={m} now={props.now} />
      ))}
    </>
  );
}
