import type { Hono } from "hono";
import type { AppDeps, AppEnv } from "../../deps.ts";
import type { AttachmentRow } from "../../domain/attachments/serialize.ts";
import type { ContactInboxRow, ContactRow, ConversationRow, InboxRow, MessageRow } from "../../domain/conversations/records.ts";
import type { JobHandlers } from "../../jobs/runner.ts";
import type { ChannelRow } from "../registry.ts";

/**
 * The optional capabilities of a channel kind (docs/channels.md, "Channel framework"). The framework iterates the
 * registry once for each concern: src/app.ts mounts `routes`, src/jobs/kinds.ts merges `jobs`, src/events/wire.ts
 * sends outgoing messages through `sender`, src/server.ts starts `pollers` and `start`, the dashboard renders `form`
 * and `details`, inbox create/update run `connect`.
 *
 * Write capabilities as functions (or arrows calling functions): channel modules import domain modules that import
 * the registry back, so a capability must not read another module's `const` while the registry is being loaded.
 */
export type ChannelCapabilities<S> = {
  /**
   * Runs before the inbox transaction on create (current = null) and on update (current = the stored row), outside
   * any transaction: check the settings with the provider (Telegram getMe + setWebhook, a Graph API call…), seal
   * secrets (sealSecret), add what the provider told (bot name…). Returns the settings to store. Throw
   * `Validation.field("channel.<key>", message)` to refuse with 422 naming the field.
   */
  connect?(ctx: ConnectContext, settings: S): Promise<S>;
  /** Inbound HTTP endpoints (provider webhooks), mounted at the app root: use full paths such as `/webhooks/telegram/:bot_token`. */
  routes?(deps: AppDeps): Hono<AppEnv>;
  /** Extra job kinds (name → handler), merged into the job runner's table. Name them `<param>.<what>`. */
  jobs?(deps: AppDeps): JobHandlers;
  /** Periodic tasks (IMAP polling…), run every everyMs while the server runs; each run must be idempotent. */
  pollers?: ChannelPoller[];
  /** A long-running service (an SMTP receiver, IMAP IDLE connections…): started with the server, returns its stop. */
  start?(deps: AppDeps): () => void | Promise<void>;
  /**
   * Durable listeners of the kind beyond its own inboxes' sends (e.g. the email channel's conversation continuity for
   * website inboxes): registered once by src/events/wire.ts through wireChannelListeners.
   */
  listeners?(deps: AppDeps): void;
  /**
   * After the inbox was deleted (committed): undo what connect registered with the provider (Telegram deleteWebhook…).
   * Best effort: a failure is logged, the inbox stays deleted.
   */
  disconnect?(deps: AppDeps, channel: ChannelRow): Promise<void>;
  /** Sends an agent's outgoing message to the provider (run as the durable `channel.send` job). */
  sender?: ChannelSender;
  /** Settings → Inboxes → Add inbox: the picker card and the setup form. */
  form?: ChannelForm;
  /** The inbox settings page's "Channel" card: what to show about the connection (bot name, callback URL…). */
  details?(channel: ChannelRow, ctx: { publicUrl: string; accountId: number }): ChannelDetail[];
  /** Dashboard routes of the kind (e.g. an OAuth callback), mounted at /app/accounts/:accountId/settings/inboxes/channels/<param>. */
  dashboardRoutes?(deps: AppDeps): Hono<AppEnv>;
};

export type ConnectContext = {
  deps: AppDeps;
  accountId: number;
  /** The stored channel on update; null on create. */
  current: ChannelRow | null;
};

export type ChannelPoller = { name: string; everyMs: number; run(deps: AppDeps): void | Promise<void> };

export type ChannelFormField = {
  /** The key in the `channel` settings; dotted for nested objects (`provider_config.api_key`). */
  name: string;
  label: string;
  type: "text" | "password" | "email" | "url" | "number" | "checkbox" | "select" | "textarea";
  required?: boolean;
  placeholder?: string;
  help?: string;
  options?: { value: string; label: string }[];
};

export type ChannelForm = {
  /** The picker card's title and one-line description. */
  label: string;
  description: string;
  /** Icon name from views/components/icon.tsx (falls back to a generic one). */
  icon?: string;
  /** Numbered setup steps shown above the form (plain text). */
  steps?: string[];
  fields: ChannelFormField[];
  /**
   * Fields the inbox page offers to change later (new credentials after a token expired), by name. They are sent as a
   * PATCH of the channel settings (blank ones left out), through `connect` with `current` set.
   */
  updateFields?: string[];
  /** Shown instead of the form when the kind cannot be set up on this server (e.g. a missing environment setting). */
  unavailable?(deps: AppDeps): string | null;
  /**
   * Another way to connect, offered above the steps (WhatsApp's Embedded Signup): a link to the kind's dashboard route,
   * or — when the server lacks what it needs — `unavailable` saying what.
   */
  intro?(deps: AppDeps, ctx: { accountId: number }): ChannelFormIntro | null;
};

export type ChannelFormIntro = { title: string; text: string; button: string; href: string; unavailable: string | null; note?: string };

export type ChannelDetail = {
  label: string;
  value: string;
  help?: string;
  copy?: boolean;
  /** A button beside the value that POSTs (with the CSRF field) to one of the kind's dashboard routes (e.g. "Sync templates"). */
  action?: { label: string; href: string };
};

/** One attachment of an outgoing message, with its bytes on demand. */
export type OutboundAttachment = {
  row: AttachmentRow;
  /** The file's bytes (null for attachments without stored bytes, such as locations). */
  read(): Promise<Uint8Array | null>;
  /** Its capability URL ({publicUrl}/files/…), fetchable without a token. */
  url: string | null;
};

export type SendContext = {
  deps: AppDeps;
  inbox: InboxRow;
  channel: ChannelRow;
  conversation: ConversationRow;
  contact: ContactRow;
  /** The contact's session in the inbox: its source_id is the provider's id of the contact (chat id, phone, email). */
  contactInbox: ContactInboxRow | null;
  message: MessageRow;
  attachments: OutboundAttachment[];
  /** The message this one answers (content_attributes.in_reply_to), with its provider id in source_id. */
  replyTo: MessageRow | null;
  /** The agent or bot who wrote it (for From names, signatures). */
  sender: { type: "User" | "AgentBot"; id: number; name: string; email: string | null } | null;
  attempt: number;
  /** This is the job's last attempt: a transient error now fails the message. */
  lastAttempt: boolean;
};

export type SendResult = {
  /** The provider's id of the sent message (stored in messages.source_id; receipts find the message by it). */
  source_id: string | null;
  /** Merged into the message's content_attributes (e.g. an email's Message-ID). */
  content_attributes?: Record<string, unknown>;
};

/** Throw ChannelSendError (or anything: network errors are transient) from a sender. */
export type ChannelSender = (ctx: SendContext) => Promise<SendResult>;
