import type { Child } from "hono/jsx";
import type { ChannelKind, EmailMessageView, ReplyEmailView } from "./email.tsx";

// What the conversation pane shows, prepared by src/web/workspace/conversation.tsx (views reach no data).

export type SenderView = { kind: "contact" | "agent" | "bot"; name: string; avatarUrl: string | null };

export type AttachmentView = {
  id: number;
  fileType: string;
  url: string;
  name: string;
  size: number | null;
  contentType: string | null;
};

/** content_type input_select / cards / form / article items, reduced to what is shown. */
export type ItemView = { title: string; description?: string; value?: string; url?: string | null; imageUrl?: string | null; links?: { text: string; url: string }[] };

export type MessageView = {
  id: number;
  kind: "incoming" | "outgoing" | "activity" | "template";
  isPrivate: boolean;
  /** Content already rendered by the sanitizing markdown renderer (src/lib/markdown.ts). */
  html: string;
  contentType: string;
  items: ItemView[];
  submitted: { label: string; value: string }[];
  status: "sent" | "delivered" | "read" | "failed" | "progress";
  error: string | null;
  createdAt: number;
  edited: boolean;
  deleted: boolean;
  sender: SenderView | null;
  attachments: AttachmentView[];
  /** A mail (header block, body with the quote collapsed) or an agent's emailed reply (To/Cc/Bcc); absent otherwise. */
  email?: EmailMessageView | null;
};

export type TimelineView = { messages: MessageView[]; olderUrl: string | null; now: number };

export type HeaderView = {
  accountId: number;
  displayId: number;
  baseUrl: string;
  csrfToken: string;
  contactName: string;
  contactAvatarUrl: string | null;
  inboxName: string;
  channelLabel: string;
  /** Which channel icon the header draws beside the channel's name. */
  channelKind?: ChannelKind;
  /** An email conversation's subject (additional_attributes.mail_subject). */
  mailSubject?: string | null;
  status: "open" | "resolved" | "pending" | "snoozed";
  snoozedUntil: number | null;
  now: number;
  /** The contact's email, prefilled in "Send transcript" (the menu shows when this key is present). */
  contactEmail?: string | null;
  /** The macros the viewer may run here (the header's Run macro menu shows when this key is present). */
  macros?: { id: number; name: string }[];
};

export type ReplyView = {
  baseUrl: string;
  accountId: number;
  csrfToken: string;
  /** Why the viewer may not send a public reply (notes still work), or null. */
  replyBlocked: string | null;
  enterToSend: boolean;
  maxUploadBytes: number;
  contactName: string;
  /** A channel's panel above the reply box (WhatsApp: the 24-hour window and the template picker), or null. */
  channelPanel?: Child;
  /** Email conversations: To, and the Cc / Bcc fields (Cc prefilled from the last incoming mail). */
  email?: ReplyEmailView;
};

export type PaneView = {
  displayId: number;
  viewerId: number;
  header: HeaderView;
  timeline: TimelineView;
  reply: ReplyView;
  apps: { tabs: Child[]; panels: Child[] } | null;
};
