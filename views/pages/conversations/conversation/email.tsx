/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import { Icon } from "../../../components/icon.tsx";
import { formatBytes } from "./message.tsx";
import type { AttachmentView } from "./types.ts";

// Email in the conversation pane: the header block of a mail (From, To, Cc, Bcc, Subject), its body with the quoted
// history collapsed, its attachments; the channel badge of the conversation header; the Cc/Bcc fields of the reply box.

/** The kinds of channel the conversation header draws an icon for. */
export type ChannelKind = "email" | "whatsapp" | "telegram" | "website" | "api" | "other";

/**
 * HTML that went through the email channel's sanitizer (src/channels/email/html.ts `sanitizeEmailHtml`) when the
 * view was prepared. The brand keeps a plain string from being passed where sanitized HTML is expected.
 */
export type SanitizedEmailHtml = string & { readonly __sanitizedEmailHtml: true };

export type EmailBodyView =
  | { format: "html"; reply: SanitizedEmailHtml; quoted: SanitizedEmailHtml | null }
  | { format: "text"; reply: string; quoted: string | null };

export type EmailMessageView = {
  /** The sender as the mail names it (incoming mail only). */
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string | null;
  /** Incoming mail: the new part and the quoted history; null for agents' replies (their Markdown is shown). */
  body: EmailBodyView | null;
  /** Files of the mail that were not stored (above the upload limit). */
  skipped: string[];
};

/** The reply box's email fields: who the reply goes to, and the Cc / Bcc to prefill. */
export type ReplyEmailView = { to: string; cc: string; bcc: string };

// Channel icons drawn in the style of the Icon component (24×24 strokes in currentColor).
const CHANNEL_PATHS: Partial<Record<ChannelKind, string>> = {
  // A speech bubble with a handset.
  whatsapp:
    '<path d="M3.5 20.5 5 16.3A8.5 8.5 0 1 1 8 19.2z"/><path d="M9 8.6c0 3.3 3 6.4 6.4 6.4l1.1-1.6-2-1-1 .8a4.6 4.6 0 0 1-2.7-2.7l.8-1-1-2z"/>',
  // A paper plane.
  telegram: '<path d="M21.5 3.5 2.8 10.9l6.6 2.6 2.7 6.9z"/><path d="m21.5 3.5-12.1 10"/>',
  // Angle brackets.
  api: '<path d="m8 7-5 5 5 5"/><path d="m16 7 5 5-5 5"/>',
};

export function ChannelIcon(props: { kind: ChannelKind; size?: number }) {
  const size = props.size ?? 14;
  if (props.kind === "email") return <Icon name="mail" size={size} class="channel-icon" />;
  if (props.kind === "website") return <Icon name="globe" size={size} class="channel-icon" />;
  const path = CHANNEL_PATHS[props.kind];
  if (!path) return <Icon name="inbox" size={size} class="channel-icon" />;
  return (
    <svg class="icon channel-icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      {raw(path)}
    </svg>
  );
}

function AddressRow(props: { label: string; list: string[]; testid: string }) {
  if (!props.list.length) return null;
  return (
    <div class="email-meta-row" data-testid={props.testid}>
      <dt>{props.label}</dt>
      <dd>{props.list.join(", ")}</dd>
    </div>
  );
}

/** From, To, Cc, Bcc and Subject of a mail (rows only when present). */
export function EmailMeta(props: { e: EmailMessageView }) {
  const { e } = props;
  if (!e.from && !e.to.length && !e.cc.length && !e.bcc.length && !e.subject) return null;
  return (
    <dl class="email-meta" data-testid="email-meta">
      {e.from ? (
        <div class="email-meta-row" data-testid="email-from">
          <dt>From</dt>
          <dd>{e.from.name ? `${e.from.name} <${e.from.address}>` : e.from.address}</dd>
        </div>
      ) : null}
      <AddressRow label="To" list={e.to} testid="email-to" />
      <AddressRow label="Cc" list={e.cc} testid="email-cc" />
      <AddressRow label="Bcc" list={e.bcc} testid="email-bcc" />
      {e.subject ? (
        <div class="email-meta-row" data-testid="email-subject">
          <dt>Subject</dt>
          <dd>{e.subject}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function BodyPart(props: { format: EmailBodyView["format"]; content: string; class: string }) {
  // Sanitized HTML (the EmailBodyView type says so) or text, which JSX escapes and CSS keeps the line breaks of.
  return props.format === "html" ? <div class={`${props.class} email-html`}>{raw(props.content)}</div> : <div class={`${props.class} email-text`}>{props.content}</div>;
}

/** The new part of a mail, and the quoted history behind "Show quoted text" (the emailQuote component). */
export function EmailBody(props: { messageId: number; body: EmailBodyView }) {
  const { body } = props;
  const quoteId = `email-quote-${props.messageId}`;
  return (
    <div class="email-body" data-testid="email-body">
      <BodyPart format={body.format} content={body.reply} class="email-reply" />
      {body.quoted ? (
        <div class="email-quote" x-data="emailQuote">
          <button type="button" class="email-quote-toggle" x-on:click="toggle" x-bind:aria-expanded="open" aria-expanded="false" aria-controls={quoteId} data-testid="email-quote-toggle">
            <span x-show="closed">Show quoted text</span>
            <span x-show="open" x-cloak>
              Hide quoted text
            </span>
          </button>
          <div id={quoteId} class="email-quoted-wrap" x-show="open" x-cloak data-testid="email-quoted">
            <BodyPart format={body.format} content={body.quoted} class="email-quoted" />
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** A mail's files: each with its name, size and a download link; images also previewed. */
export function EmailAttachments(props: { list: AttachmentView[]; skipped: string[] }) {
  const { list, skipped } = props;
  if (!list.length && !skipped.length) return null;
  const count = list.length + skipped.length;
  return (
    <div class="email-attachments" data-testid="email-attachments">
      <p class="email-attachments-title">
        {count} {count === 1 ? "attachment" : "attachments"}
      </p>
      <ul class="email-attachment-list">
        {list.map((a) => (
          <li class="email-attachment" data-testid="email-attachment">
            {a.fileType === "image" ? (
              <a class="email-attachment-preview" href={a.url} target="_blank" rel="noopener noreferrer">
                <img src={a.url} alt={a.name} loading="lazy" />
              </a>
            ) : null}
            <a class="email-attachment-link" href={a.url} target="_blank" rel="noopener noreferrer" download={a.name}>
              <Icon name="fileText" size={16} />
              <span class="email-attachment-name">{a.name}</span>
              {a.size != null ? <span class="email-attachment-size">{formatBytes(a.size)}</span> : null}
            </a>
          </li>
        ))}
        {skipped.map((name) => (
          <li class="email-attachment email-attachment-skipped" data-testid="email-attachment-skipped">
            <Icon name="alert" size={16} />
            <span class="email-attachment-name">{name}</span>
            <span class="email-attachment-size">not kept: larger than the upload limit</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** To (read only), Cc and Bcc above the reply editor of an email conversation; hidden in note mode. */
export function ReplyEmailFields(props: { e: ReplyEmailView }) {
  const { e } = props;
  return (
    <div class="reply-email-fields" data-testid="reply-email-fields">
      <div class="reply-email-row">
        <span class="reply-email-label">To</span>
        <span class="reply-email-to" data-testid="reply-email-to">
          {e.to || "the contact (no email address yet)"}
        </span>
      </div>
      <div class="reply-email-row">
        <label class="reply-email-label" for="reply-cc">
          Cc
        </label>
        <input type="text" id="reply-cc" name="cc_emails" value={e.cc} maxlength={5000} autocomplete="off" spellcheck={false} placeholder="Addresses separated by commas" data-email-recipients data-testid="reply-cc" />
      </div>
      <div class="reply-email-row">
        <label class="reply-email-label" for="reply-bcc">
          Bcc
        </label>
        <input type="text" id="reply-bcc" name="bcc_emails" value={e.bcc} maxlength={5000} autocomplete="off" spellcheck={false} placeholder="Addresses separated by commas" data-email-recipients data-testid="reply-bcc" />
      </div>
    </div>
  );
}
