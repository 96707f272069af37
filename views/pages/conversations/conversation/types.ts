import type { Child } from "hono/jsx";

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
};

export type PaneView = {
  displayId: number;
  viewerId: number;
  header: HeaderView;
  timeline: TimelineView;
  reply: ReplyView;
  apps: { tabs: Child[]; panels: Child[] } | null;
};
