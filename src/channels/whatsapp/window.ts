// WhatsApp's 24-hour customer-service window: a business may send free-form messages only within 24 hours of the
// customer's last message; outside it, only approved templates (Chatwoot's Conversation#can_reply?).
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { inboxChannelType } from "../inbox-channel.ts";
import type { ConversationRow } from "../../domain/conversations/records.ts";
import { Validation } from "../../domain/errors.ts";
import { renderTemplate, sendableTemplates, templateParamsSchema, templateVariables, type TemplateParams } from "./templates.ts";
import { CHANNEL_TYPE } from "./settings.ts";
import type { GraphTemplate } from "./graph.ts";

export const WINDOW_MS = 24 * 3600_000;

const channelOfInbox = preparedFor((db) =>
  db.$client.prepare<{ channel_type: string; config: string }, [number]>(
    "SELECT c.channel_type, c.config FROM inboxes i JOIN channels c ON c.id = i.channel_id WHERE i.id = ?1",
  ),
);
const lastIncoming = preparedFor((db) =>
  db.$client.prepare<{ at: number | null }, [number]>("SELECT max(created_at) AS at FROM messages WHERE conversation_id = ?1 AND message_type = 0"),
);

export type WindowState = { open: boolean; lastIncomingAt: number | null; closesAt: number | null };

/** The conversation's window: open until 24 h after the contact's last incoming message. */
export function windowState(db: Db, conversationId: number, now: number): WindowState {
  const at = lastIncoming(db).get(conversationId)?.at ?? null;
  const closesAt = at == null ? null : at + WINDOW_MS;
  return { open: closesAt != null && now < closesAt, lastIncomingAt: at, closesAt };
}

/** The inbox's synced templates when it is a WhatsApp inbox, else null. */
export function whatsappTemplatesOfInbox(db: Db, inboxId: number): GraphTemplate[] | null {
  // Asked on every message create: other inboxes are told apart from the read cache, without a query.
  if (inboxChannelType(db, inboxId) !== CHANNEL_TYPE) return null;
  const row = channelOfInbox(db).get(inboxId);
  if (!row || row.channel_type !== CHANNEL_TYPE) return null;
  try {
    return sendableTemplates((JSON.parse(row.config) as { message_templates?: unknown }).message_templates);
  } catch {
    return [];
  }
}

type OutgoingInput = {
  content?: string | null;
  message_type?: string;
  private?: boolean;
  template_params?: Record<string, unknown>;
};

/**
 * For a message about to be created in a conversation (API and dashboard): in a WhatsApp inbox, an outgoing public
 * message outside the 24-hour window must be a template (422 naming template_params); template_params are checked,
 * and a template message without content gets the template's text. Other inboxes: the input unchanged.
 */
export function checkWhatsappOutgoing<T extends OutgoingInput>(db: Db, conversation: ConversationRow, input: T, now: number, opts: { dashboard?: boolean } = {}): T {
  const templates = whatsappTemplatesOfInbox(db, conversation.inbox_id);
  if (templates === null || input.private || input.message_type === "incoming" || input.message_type === "activity") return input;
  let params: TemplateParams | null = null;
  if (input.template_params !== undefined && input.template_params !== null) {
    const parsed = templateParamsSchema.safeParse(input.template_params);
    if (!parsed.success) {
      throw new Validation(parsed.error.issues.map((i) => ({ field: ["template_params", ...i.path.map(String)].join("."), message: i.message })));
    }
    params = parsed.data;
  }
  if (!params && !windowState(db, conversation.id, now).open) {
    if (opts.dashboard) {
      throw Validation.field("base", "The 24-hour customer service window is closed: WhatsApp delivers only approved templates until the customer writes again. Use “Send a template”.");
    }
    throw Validation.field(
      "template_params",
      "is required: the 24-hour customer service window of this WhatsApp conversation is closed, so only an approved message template can be sent",
    );
  }
  if (params && !input.content) {
    const template = templates.find((t) => t.name === params.name && t.language === params.language);
    return { ...input, content: renderTemplate(template, params), template_params: params };
  }
  return params ? { ...input, template_params: params } : input;
}

export type TemplateChoice = {
  name: string;
  language: string;
  category: string | null;
  preview: string;
  header: string[];
  body: string[];
  /** A media header (image, video, document) needs the file's URL. */
  headerMedia: "image" | "video" | "document" | null;
  source: GraphTemplate;
};
export type WhatsappReplyState = WindowState & { templates: TemplateChoice[] };

/** What the reply box shows in a WhatsApp conversation (window and approved templates), or null for other inboxes. */
export function whatsappReplyState(db: Db, conversation: ConversationRow, now: number): WhatsappReplyState | null {
  const templates = whatsappTemplatesOfInbox(db, conversation.inbox_id);
  if (templates === null) return null;
  return {
    ...windowState(db, conversation.id, now),
    templates: templates.map((t) => ({
      name: t.name,
      language: t.language,
      category: typeof t.category === "string" ? t.category : null,
      preview: renderTemplate(t, { name: t.name, language: t.language }),
      ...templateVariables(t),
      source: t,
    })),
  };
}

/**
 * The dashboard's template form (template = "<index>", h_<n> / b_<n> parameter fields of that template) → the
 * message input: template_params as Chatwoot's frontend sends them, and the filled-in text as content.
 */
export function templateMessageFromForm(state: WhatsappReplyState, form: Record<string, string>): { content: string; template_params: TemplateParams } {
  const index = Number(form.template);
  const choice = Number.isInteger(index) ? state.templates[index] : undefined;
  if (!choice) throw Validation.field("template", "must be one of the inbox's approved templates");
  const header: Record<string, string> = {};
  const body: Record<string, string> = {};
  for (const v of choice.header) header[v] = (form[`t${index}_h_${v}`] ?? "").trim();
  for (const v of choice.body) body[v] = (form[`t${index}_b_${v}`] ?? "").trim();
  const mediaUrl = (form[`t${index}_hm`] ?? "").trim();
  const empty = [
    ...(choice.headerMedia && !mediaUrl ? [`header ${choice.headerMedia} URL`] : []),
    ...choice.header.filter((v) => !header[v]).map((v) => `header {{${v}}}`),
    ...choice.body.filter((v) => !body[v]).map((v) => `{{${v}}}`),
  ];
  if (empty.length) throw Validation.field("base", `Fill in the template's ${empty.join(", ")} before sending`);
  const processed_params: Record<string, unknown> = {};
  if (choice.body.length) processed_params.body = body;
  if (choice.header.length) processed_params.header = header;
  if (choice.headerMedia) {
    if (!/^https?:\/\/\S+$/.test(mediaUrl)) throw Validation.field("base", `The header ${choice.headerMedia} must be an http or https URL`);
    processed_params.header = { media_type: choice.headerMedia, media_url: mediaUrl };
  }
  const template_params: TemplateParams = { name: choice.name, category: choice.category, language: choice.language, processed_params };
  return { content: renderTemplate(choice.source, template_params), template_params };
}
