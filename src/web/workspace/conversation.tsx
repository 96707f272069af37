/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../deps.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { getVisibleAttachment } from "../../domain/attachments/queries.ts";
import type { AttachmentRow } from "../../domain/attachments/serialize.ts";
import { INLINE_SAFE_TYPES, removeStored, storagePath, storeUploads } from "../../domain/attachments/storage.ts";
import { searchCannedResponses } from "../../domain/canned-responses/queries.ts";
import { toggleStatus, toggleTyping, updateLastSeen } from "../../domain/conversations/commands.ts";
import { mentionableAgents } from "../../domain/conversations/mentionable.ts";
import { getVisibleConversation } from "../../domain/conversations/queries.ts";
import { Records, type ConversationRow, type MessageRow } from "../../domain/conversations/records.ts";
import { NotFound, TooManyRequests, Validation } from "../../domain/errors.ts";
import { limitTranscripts, sendConversationTranscript } from "../../domain/conversations/transcript.ts";
import { clientIp } from "../session.ts";
import { createMessage, MAX_ATTACHMENTS } from "../../domain/messages/commands.ts";
import { loadAttachments } from "../../domain/messages/push.ts";
import { conversationMessage, timelineAfter, timelinePage } from "../../domain/messages/timeline.ts";
import { updateUser } from "../../domain/users/commands.ts";
import { renderMarkdown, safeUrl } from "../../lib/markdown.ts";
import { ConversationHeader } from "../../../views/pages/conversations/conversation/header.tsx";
import { MessageItem, MessageItems, TimelineChunk } from "../../../views/pages/conversations/conversation/message.tsx";
import { ConversationPaneView, NoConversationPane } from "../../../views/pages/conversations/conversation/pane.tsx";
import type { AttachmentView, HeaderView, ItemView, MessageView, PaneView, SenderView } from "../../../views/pages/conversations/conversation/types.ts";
import { accountPath } from "../../../views/layouts/app.tsx";
import { currentSessionId, currentUser, fragment, isHtmx, type WebContext } from "../context.ts";
import { readForm } from "../forms.ts";
import { dashboardAppTabs } from "./dashboard-apps.tsx";
import { checkWhatsappOutgoing, templateMessageFromForm, whatsappReplyState } from "../../channels/whatsapp/window.ts";
import { WhatsappReplyPanel } from "../../channels/whatsapp/views.tsx";
import { listMacros } from "../../domain/macros/commands.ts";
import { channelKindOf, EMAIL_CHANNEL, emailListField, emailMessageView, replyEmailAttributes, replyEmailView } from "./conversation-email.ts";

// The middle pane of the workspace: one conversation's header (status, snooze), its timeline (paged,
// live) and the reply box. Every route here works on a conversation the viewer may see (404 otherwise).

const KINDS = ["incoming", "outgoing", "activity", "template"] as const;

const CHANNEL_LABELS: Record<string, string> = {
  "Channel::Api": "API",
  "Channel::WebWidget": "Website",
  "Channel::Email": "Email",
  "Channel::Whatsapp": "WhatsApp",
  "Channel::Sms": "SMS",
  "Channel::TwilioSms": "Twilio SMS",
  "Channel::Telegram": "Telegram",
  "Channel::FacebookPage": "Facebook",
  "Channel::Instagram": "Instagram",
  "Channel::Line": "LINE",
};

function scopeOf(c: WebContext): AccountScope {
  return resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, c.var.membership.account_id);
}

function baseUrl(accountId: number, displayId: number): string {
  return accountPath(accountId, `conversations/${displayId}`);
}

const displayIdParam = z.string().regex(/^\d{1,12}$/).transform(Number);

/** The conversation of the path (:displayId) if the viewer may see it; 404 otherwise. */
function pathConversation(c: WebContext, scope = scopeOf(c)): ConversationRow {
  const parsed = displayIdParam.safeParse(c.req.param("displayId"));
  if (!parsed.success) throw new NotFound("Conversation");
  return getVisibleConversation(c.var.deps.db, scope, parsed.data);
}

function text(v: unknown, max = 500): string {
  if (typeof v === "string") return v.slice(0, max);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x)).slice(0, 50) : [];
}

/** content_attributes of interactive messages (input_select, cards, form, article), reduced to text and safe links. */
function itemsOf(m: MessageRow): { items: ItemView[]; submitted: { label: string; value: string }[] } {
  const attrs = m.content_attributes ?? {};
  const items: ItemView[] = records(attrs.items).map((it) => {
    const links = records(it.actions)
      .map((a) => ({ text: text(a.text, 100) || text(a.uri, 100), url: safeUrl(text(a.uri, 2000)) ?? "" }))
      .filter((a) => a.url);
    return {
      title: text(it.title) || text(it.label) || text(it.name) || text(it.value),
      description: text(it.description, 1000) || text(it.placeholder) || undefined,
      value: text(it.value) || undefined,
      url: safeUrl(text(it.link, 2000)),
      imageUrl: safeUrl(text(it.media_url, 2000)),
      links,
    };
  });
  const submitted: { label: string; value: string }[] = [];
  const values = attrs.submitted_values;
  if (Array.isArray(values)) {
    for (const v of records(values)) submitted.push({ label: text(v.title) || text(v.name) || "Answer", value: text(v.value, 2000) || text(v.title) });
  } else if (values && typeof values === "object") {
    const csat = (values as Record<string, unknown>).csat_survey_response as Record<string, unknown> | undefined;
    if (csat) {
      submitted.push({ label: "Rating", value: text(csat.rating) });
      if (csat.feedback_message) submitted.push({ label: "Feedback", value: text(csat.feedback_message, 2000) });
    }
  }
  if (attrs.submitted_email) submitted.push({ label: "Email", value: text(attrs.submitted_email) });
  return { items, submitted };
}

function senderOf(r: Records, m: MessageRow): SenderView | null {
  if (m.sender_id == null) return null;
  if (m.sender_type === "User") {
    const u = r.user(m.sender_id);
    return u ? { kind: "agent", name: u.user.display_name?.trim() || u.user.name, avatarUrl: u.user.avatar_url } : { kind: "agent", name: "Former agent", avatarUrl: null };
  }
  if (m.sender_type === "Contact") {
    const ct = r.contact(m.sender_id);
    return { kind: "contact", name: ct?.name?.trim() || "Contact", avatarUrl: ct?.avatar_url ?? null };
  }
  const b = r.bot(m.sender_id);
  return { kind: "bot", name: b?.name ?? "Bot", avatarUrl: b?.avatar_url ?? null };
}

function attachmentView(accountId: number, a: AttachmentRow): AttachmentView {
  // A shared location (WhatsApp, Telegram) opens the map; a shared contact card dials its number.
  if (a.file_type === "location" && a.coordinates_lat != null && a.coordinates_long != null) {
    const at = `${a.coordinates_lat},${a.coordinates_long}`;
    return { id: a.id, fileType: "location", url: `https://www.openstreetmap.org/?mlat=${a.coordinates_lat}&mlon=${a.coordinates_long}#map=16/${a.coordinates_lat}/${a.coordinates_long}`, name: `📍 ${a.fallback_title || at}`, size: null, contentType: null };
  }
  if (a.file_type === "contact") {
    const meta = a.meta as { name?: unknown; first_name?: unknown; last_name?: unknown };
    const who = typeof meta.name === "string" ? meta.name : [meta.first_name, meta.last_name].filter((v) => typeof v === "string" && v).join(" ");
    const phone = (a.fallback_title ?? "").replace(/[^\d+]/g, "");
    return { id: a.id, fileType: "contact", url: phone ? `tel:${phone}` : "#", name: `👤 ${[who, a.fallback_title].filter(Boolean).join(" · ")}`, size: null, contentType: null };
  }
  const url = a.storage_key ? accountPath(accountId, `conversation-attachments/${a.id}`) : (safeUrl(a.external_url ?? "") ?? "#");
  return {
    id: a.id,
    fileType: a.file_type,
    url,
    name: a.file_name || a.fallback_title || "file",
    size: a.byte_size,
    contentType: a.content_type,
  };
}

function recordsOf(c: WebContext, conversation: ConversationRow): Records {
  return new Records(c.var.deps.db, conversation.account_id, c.var.deps.config.publicUrl);
}

/** A channel message's content plus what the channel could not deliver (an unsupported type, a file it could not fetch). */
function channelNotes(content: string | null, attrs: Record<string, unknown>): string | null {
  const notes = [
    attrs.is_unsupported === true && !content ? "_This kind of message cannot be shown here (not supported by Parley yet)._" : null,
    attrs.media_error ? `_The attached file could not be downloaded: ${text(attrs.media_error, 300).replace(/[_*`[\]<>]/g, " ")}_` : null,
  ].filter((n): n is string => !!n);
  return notes.length ? [content, ...notes].filter(Boolean).join("\n\n") : content;
}

/** Message rows → what the timeline shows: senders and attachments loaded in one query each. */
function messageViews(c: WebContext, conversation: ConversationRow, rows: MessageRow[], r = recordsOf(c, conversation)): MessageView[] {
  r.loadUsers(rows.filter((m) => m.sender_type === "User").map((m) => m.sender_id));
  r.loadContacts(rows.filter((m) => m.sender_type === "Contact").map((m) => m.sender_id));
  const files = loadAttachments(r, rows.map((m) => m.id));
  const emailInbox = r.inbox(conversation.inbox_id)?.channel.channel_type === EMAIL_CHANNEL;
  const contactEmail = r.contact(conversation.contact_id)?.email ?? null;
  return rows.map((m) => {
    const attrs = m.content_attributes ?? {};
    const { items, submitted } = itemsOf(m);
    return {
      id: m.id,
      kind: KINDS[m.message_type] ?? "outgoing",
      isPrivate: m.private,
      html: renderMarkdown(channelNotes(m.content, attrs)),
      contentType: m.content_type,
      items,
      submitted,
      status: m.status,
      error: m.status === "failed" ? text(attrs.external_error, 1000) || null : null,
      createdAt: m.created_at,
      edited: attrs.is_edited === true || attrs.edited === true,
      deleted: attrs.deleted === true,
      sender: senderOf(r, m),
      attachments: (files.get(m.id) ?? []).map((a) => attachmentView(conversation.account_id, a)),
      email: emailMessageView(m, { emailInbox, contactEmail, sender: m.sender_type === "Contact" && m.sender_id != null ? { name: r.contact(m.sender_id)?.name ?? null, email: r.contact(m.sender_id)?.email ?? null } : null }),
    };
  });
}

function headerView(c: WebContext, conversation: ConversationRow, r = recordsOf(c, conversation)): HeaderView {
  const contact = r.contact(conversation.contact_id);
  const inbox = r.inbox(conversation.inbox_id);
  return {
    accountId: conversation.account_id,
    displayId: conversation.display_id,
    baseUrl: baseUrl(conversation.account_id, conversation.display_id),
    csrfToken: c.get("csrfToken") ?? "",
    contactName: contact?.name?.trim() || "Unknown contact",
    contactAvatarUrl: contact?.avatar_url ?? null,
    inboxName: inbox?.inbox.name ?? "Inbox",
    channelLabel: CHANNEL_LABELS[inbox?.channel.channel_type ?? ""] ?? (inbox?.channel.channel_type ?? "").replace(/^Channel::/, ""),
    channelKind: channelKindOf(inbox?.channel.channel_type),
    mailSubject: typeof conversation.additional_attributes.mail_subject === "string" ? conversation.additional_attributes.mail_subject.trim().slice(0, 1000) || null : null,
    status: conversation.status,
    snoozedUntil: conversation.snoozed_until,
    now: c.var.deps.clock.now(),
    contactEmail: contact?.email ?? null,
    macros: listMacros(c.var.deps.db, scopeOf(c)).map((m) => ({ id: m.id, name: m.name })),
  };
}

function enterToSend(c: WebContext): boolean {
  return currentUser(c)!.ui_settings.enter_to_send_enabled !== false;
}

/** The dashboard apps' tabs and panels (src/web/workspace/dashboard-apps.tsx), after the Messages tab. */
function appTabs(c: WebContext, displayId: number): PaneView["apps"] {
  const out = dashboardAppTabs(c, displayId);
  return out && out.tabs.length ? out : null;
}

function paneView(c: WebContext, conversation: ConversationRow): PaneView {
  const r = recordsOf(c, conversation);
  const header = headerView(c, conversation, r);
  const page = timelinePage(c.var.deps.db, conversation);
  const contact = r.contact(conversation.contact_id);
  const first = page.rows[0];
  return {
    displayId: conversation.display_id,
    viewerId: currentUser(c)!.id,
    header,
    timeline: {
      messages: messageViews(c, conversation, page.rows, r),
      olderUrl: page.hasOlder && first ? `${header.baseUrl}/messages?before=${first.id}` : null,
      now: header.now,
    },
    reply: {
      baseUrl: header.baseUrl,
      accountId: conversation.account_id,
      csrfToken: header.csrfToken,
      replyBlocked: contact?.blocked ? "This contact is blocked, so replies are off. Private notes still work." : null,
      enterToSend: enterToSend(c),
      maxUploadBytes: c.var.deps.config.maxUploadBytes,
      contactName: header.contactName,
      channelPanel: whatsappPanel(c, conversation, header.csrfToken),
      email: emailReply(r, conversation, page.rows),
    },
    apps: appTabs(c, conversation.display_id),
  };
}

/** Email conversations: To, Cc (prefilled from the last incoming mail) and Bcc in the reply box. */
function emailReply(r: Records, conversation: ConversationRow, rows: MessageRow[]): PaneView["reply"]["email"] {
  const inbox = r.inbox(conversation.inbox_id);
  if (inbox?.channel.channel_type !== EMAIL_CHANNEL) return undefined;
  return replyEmailView(inbox.channel, r.contact(conversation.contact_id)?.email ?? null, rows);
}

/** WhatsApp conversations: the 24-hour window and the template picker above the reply box. */
function whatsappPanel(c: WebContext, conversation: ConversationRow, csrfToken: string) {
  const now = c.var.deps.clock.now();
  const state = whatsappReplyState(c.var.deps.db, conversation, now);
  if (!state) return null;
  return <WhatsappReplyPanel v={{ ...state, baseUrl: baseUrl(conversation.account_id, conversation.display_id), csrfToken, now }} />;
}

/** The middle pane for one conversation (or the "pick a conversation" state when id is null). 404 when not visible. */
export function conversationPane(c: WebContext, conversationId: number | null) {
  if (conversationId == null) return <NoConversationPane />;
  const conversation = getVisibleConversation(c.var.deps.db, scopeOf(c), conversationId);
  return <ConversationPaneView v={paneView(c, conversation)} />;
}

// Snooze presets, in the viewer's time zone (tz_offset: minutes as JavaScript's getTimezoneOffset gives them).

export type SnoozePreset = "hour" | "tomorrow" | "next_week";

/** When a snooze preset ends: in an hour, tomorrow at 9:00, or next Monday at 9:00 (local time). */
export function snoozePresetUntil(preset: SnoozePreset, now: number, tzOffsetMinutes: number): number {
  if (preset === "hour") return now + 60 * 60 * 1000;
  const shift = tzOffsetMinutes * 60 * 1000;
  const local = new Date(now - shift);
  const days = preset === "tomorrow" ? 1 : (8 - local.getUTCDay()) % 7 || 7;
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, 9, 0, 0) + shift;
}

/** A datetime-local value ("2026-11-27T14:30") in the viewer's zone, or an ISO date-time with offset; ms or NaN. */
export function parseLocalDateTime(value: string, tzOffsetMinutes: number): number {
  const local = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number);
    return Date.UTC(y, mo - 1, d, h, mi, s || 0) + tzOffsetMinutes * 60 * 1000;
  }
  return /^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
}

const statusForm = z.object({
  status: z.enum(["open", "resolved", "pending", "snoozed"], { error: "must be open, resolved, pending or snoozed" }),
  snooze: z.enum(["hour", "tomorrow", "next_week", "custom"], { error: "must be hour, tomorrow, next_week or custom" }).optional(),
  snoozed_until: z.string().max(40).optional(),
  tz_offset: z.coerce.number({ error: "must be minutes" }).int().min(-840).max(840).catch(0),
  next: z.string().optional(),
});

const messageForm = z.object({
  content: z.string({ error: "must be text" }).max(100_000, { error: "is too long" }).catch(""),
  private: z.enum(["true", "false", "on"]).optional(),
  attachments: z.unknown().optional(),
  // Email conversations: the reply box's Cc and Bcc (stored as the messages API stores cc_emails / bcc_emails).
  cc_emails: emailListField,
  bcc_emails: emailListField,
});

const transcriptForm = z.object({ email: z.string({ error: "can't be blank" }).max(255, { error: "is too long" }) });
const typingForm = z.object({ typing_status: z.enum(["on", "off"], { error: "must be on or off" }), is_private: z.enum(["true", "false"]).optional() });
const settingsForm = z.object({ enter_to_send_enabled: z.enum(["true", "false"], { error: "must be true or false" }) });
const pageQuery = z.object({ before: displayIdParam.optional(), after: displayIdParam.optional() });
const searchQuery = z.object({ q: z.string().max(100).catch("") });

/** The uploaded files of the form (field attachments, or attachments[] as Chatwoot's clients name it). */
function filesOf(body: Record<string, unknown>): File[] {
  const list = [body["attachments"], body["attachments[]"]].flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]));
  return list.filter((f): f is File => f instanceof File && f.size > 0);
}

/** Validation errors of an htmx/fetch request are answered as text the reply box shows under the field. */
function validationText(err: Validation): string {
  const names: Record<string, string> = { content: "Message", cc_emails: "Cc", bcc_emails: "Bcc" };
  const label = (field: string) => names[field] ?? field[0].toUpperCase() + field.slice(1);
  return err.errors.map((e) => (e.field === "base" ? e.message : `${label(e.field)} ${e.message}`)).join(". ");
}

export const conversationRoutes = new Hono<AppEnv>()
  // The timeline: a page before a message id (the "load older" fragment) or the messages after one.
  .get("/conversations/:displayId/messages", (c) => {
    const conversation = pathConversation(c);
    const q = pageQuery.safeParse(c.req.query());
    if (!q.success) throw Validation.field("before", "must be a message id");
    const now = c.var.deps.clock.now();
    if (q.data.after !== undefined) {
      return fragment(c, <MessageItems messages={messageViews(c, conversation, timelineAfter(c.var.deps.db, conversation, q.data.after))} now={now} />);
    }
    const page = timelinePage(c.var.deps.db, conversation, q.data.before);
    const first = page.rows[0];
    const olderUrl = page.hasOlder && first ? `${baseUrl(conversation.account_id, conversation.display_id)}/messages?before=${first.id}` : null;
    return fragment(c, <TimelineChunk timeline={{ messages: messageViews(c, conversation, page.rows), olderUrl, now }} />);
  })
  // One message, rendered (what the live timeline fetches on message.created / message.updated).
  .get("/conversations/:displayId/messages/:messageId", (c) => {
    const conversation = pathConversation(c);
    const id = displayIdParam.safeParse(c.req.param("messageId"));
    const row = id.success ? conversationMessage(c.var.deps.db, conversation, id.data) : undefined;
    if (!row) throw new NotFound("Message");
    return fragment(c, <MessageItem m={messageViews(c, conversation, [row])[0]} now={c.var.deps.clock.now()} />);
  })
  // Reply or private note, with attachments (the same domain command as POST /api/v1/…/messages).
  .post("/conversations/:displayId/messages", async (c) => {
    const { deps } = c.var;
    const scope = scopeOf(c);
    const conversation = pathConversation(c, scope);
    let message: MessageRow;
    try {
      const form = await readForm(c, messageForm);
      const files = filesOf(await c.req.parseBody({ all: true }));
      if (files.length > MAX_ATTACHMENTS) throw Validation.field("attachments", `are too many (at most ${MAX_ATTACHMENTS} files)`);
      const stored = await storeUploads(deps.config.dataDir, files, deps.config.maxUploadBytes);
      try {
        message = deps.tx((tx) => {
          const current = getVisibleConversation(tx.db, scope, conversation.display_id);
          const isPrivate = form.private === "true" || form.private === "on";
          const input = { content: form.content.trim() ? form.content : null, message_type: "outgoing" as const, private: isPrivate, content_attributes: replyEmailAttributes(form, isPrivate) };
          return createMessage(tx, scope, current, checkWhatsappOutgoing(tx.db, current, input, tx.now, { dashboard: true }), stored);
        });
      } catch (err) {
        await removeStored(deps.config.dataDir, stored.map((f) => f.storage_key));
        throw err;
      }
    } catch (err) {
      if (err instanceof Validation && isHtmx(c)) return c.text(validationText(err), 422);
      throw err;
    }
    if (!isHtmx(c)) return c.redirect(baseUrl(conversation.account_id, conversation.display_id), 303);
    return fragment(c, <MessageItem m={messageViews(c, conversation, [message])[0]} now={deps.clock.now()} />);
  })
  // WhatsApp: an approved template with its parameters (the reply box's template picker).
  .post("/conversations/:displayId/whatsapp-template", async (c) => {
    const { deps } = c.var;
    const scope = scopeOf(c);
    const conversation = pathConversation(c, scope);
    let message: MessageRow;
    try {
      const form = (await c.req.parseBody()) as Record<string, string>;
      message = deps.tx((tx) => {
        const current = getVisibleConversation(tx.db, scope, conversation.display_id);
        const state = whatsappReplyState(tx.db, current, tx.now);
        if (!state) throw new NotFound("WhatsApp conversation");
        return createMessage(tx, scope, current, { ...templateMessageFromForm(state, form), message_type: "outgoing" });
      });
    } catch (err) {
      if (err instanceof Validation && isHtmx(c)) return c.text(validationText(err), 422);
      throw err;
    }
    if (!isHtmx(c)) return c.redirect(baseUrl(conversation.account_id, conversation.display_id), 303);
    return fragment(c, <MessageItem m={messageViews(c, conversation, [message])[0]} now={deps.clock.now()} />);
  })
  // Resolve / reopen / pending / snooze (presets or a custom time); answers the new header.
  .post("/conversations/:displayId/status", async (c) => {
    const { deps } = c.var;
    const scope = scopeOf(c);
    const conversation = pathConversation(c, scope);
    const form = await readForm(c, statusForm);
    const now = deps.clock.now();
    let snoozedUntil: number | null | undefined;
    if (form.status === "snoozed") {
      if (form.snooze === "custom" || (!form.snooze && form.snoozed_until)) {
        snoozedUntil = parseLocalDateTime(form.snoozed_until ?? "", form.tz_offset);
        if (!Number.isFinite(snoozedUntil)) throw Validation.field("snoozed_until", "must be a date and time");
        if (snoozedUntil <= now) throw Validation.field("snoozed_until", "must be in the future");
      } else if (form.snooze) {
        snoozedUntil = snoozePresetUntil(form.snooze, now, form.tz_offset);
      } else {
        snoozedUntil = null;
      }
    }
    const row = deps.tx((tx) => toggleStatus(tx, scope, getVisibleConversation(tx.db, scope, conversation.display_id), { status: form.status, snoozed_until: snoozedUntil }));
    if (!isHtmx(c)) return c.redirect(form.next ? accountPath(row.account_id, "dashboard") : baseUrl(row.account_id, row.display_id), 303);
    return fragment(c, <ConversationHeader h={headerView(c, row)} />);
  })
  // Send transcript: the public messages mailed to the given address (src/domain/conversations/transcript.ts).
  .post("/conversations/:displayId/transcript", async (c) => {
    const { deps } = c.var;
    const scope = scopeOf(c);
    const conversation = pathConversation(c, scope);
    let to: string;
    try {
      const form = await readForm(c, transcriptForm);
      const ip = clientIp(c);
      to = deps.tx((tx) =>
        sendConversationTranscript(tx, scope, conversation, form.email, deps.config.publicUrl, () => limitTranscripts(deps, conversation.contact_id, ip)),
      );
    } catch (err) {
      if (isHtmx(c) && err instanceof Validation) return c.text(err.errors.map((e) => `${e.field === "email" ? "Email" : e.field} ${e.message}.`).join(" "), 422);
      if (isHtmx(c) && err instanceof TooManyRequests) return c.text(err.message, 429, { "Retry-After": String(err.retryAfterSeconds) });
      throw err;
    }
    if (!isHtmx(c)) return c.redirect(baseUrl(conversation.account_id, conversation.display_id), 303);
    return c.text(`Transcript sent to ${to}.`);
  })
  // The header alone (refreshed live on status changes).
  .get("/conversations/:displayId/header", (c) => fragment(c, <ConversationHeader h={headerView(c, pathConversation(c))} />))
  // The agent is typing (or stopped): realtime only, private in note mode.
  .post("/conversations/:displayId/typing", async (c) => {
    const scope = scopeOf(c);
    const conversation = pathConversation(c, scope);
    const form = await readForm(c, typingForm);
    c.var.deps.tx((tx) => toggleTyping(tx, scope, conversation, form.typing_status === "on", form.is_private === "true"));
    return c.body(null, 204);
  })
  // The viewer has read the conversation (agent_last_seen_at, conversation.read).
  .post("/conversations/:displayId/last-seen", (c) => {
    const scope = scopeOf(c);
    const { display_id } = pathConversation(c, scope);
    c.var.deps.tx((tx) => updateLastSeen(tx, scope, getVisibleConversation(tx.db, scope, display_id)));
    return c.body(null, 204);
  })
  // @-mention candidates: members of the conversation's inbox and administrators.
  .get("/conversations/:displayId/mentionable", (c) => {
    const conversation = pathConversation(c);
    const { q } = searchQuery.parse(c.req.query());
    return c.json(mentionableAgents(c.var.deps.db, conversation, q).map((a) => ({ id: a.id, name: a.name, email: a.email })), 200, { "Cache-Control": "no-store" });
  })
  // Canned responses matching what follows "/".
  .get("/conversations/:displayId/canned", (c) => {
    const conversation = pathConversation(c);
    const { q } = searchQuery.parse(c.req.query());
    return c.json(searchCannedResponses(c.var.deps.db, conversation.account_id, q).slice(0, 8), 200, { "Cache-Control": "no-store" });
  })
  // Enter to send (users.ui_settings.enter_to_send_enabled, as Chatwoot keeps it).
  .post("/reply-settings", async (c) => {
    const form = await readForm(c, settingsForm);
    const userId = currentUser(c)!.id;
    c.var.deps.tx((tx) => updateUser(tx, userId, { uiSettings: { enter_to_send_enabled: form.enter_to_send_enabled === "true" } }));
    return c.body(null, 204);
  })
  // The bytes of an attachment for the dashboard session (the API route wants a token).
  .get("/conversation-attachments/:attachmentId", async (c) => {
    const id = displayIdParam.safeParse(c.req.param("attachmentId"));
    if (!id.success) throw new NotFound("Attachment");
    const row = getVisibleAttachment(c.var.deps.db, scopeOf(c), id.data);
    const file = Bun.file(storagePath(c.var.deps.config.dataDir, row.storage_key!));
    if (!(await file.exists())) throw new NotFound("Attachment");
    const type = row.content_type ?? "application/octet-stream";
    const inline = INLINE_SAFE_TYPES.has(type);
    return new Response(file, {
      headers: {
        "Content-Type": inline ? type : "application/octet-stream",
        "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(row.file_name ?? "file")}`,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=3600",
      },
    });
  });
