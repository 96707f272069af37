// A Parley message → the bodies of POST /{phone_number_id}/messages (Cloud API). Pure: media ids are passed in.
import { templateBody, templateParamsSchema } from "./templates.ts";

/** Cloud API limits: 3 reply buttons (20 characters each), 10 list rows (24), body text 1,024 for interactive. */
const MAX_BUTTONS = 3;
const BUTTON_TITLE = 20;
const ROW_TITLE = 24;
const MAX_ROWS = 10;

export type OutgoingMessage = {
  content: string | null;
  content_type: string;
  content_attributes: Record<string, unknown>;
  additional_attributes: Record<string, unknown>;
};

export type UploadedAttachment = { media_id: string; file_type: string; file_name: string | null };

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The Graph "type" a stored attachment is sent as (Chatwoot: image, audio, video, else document). */
export function graphMediaType(fileType: string): "image" | "audio" | "video" | "document" {
  return fileType === "image" || fileType === "audio" || fileType === "video" ? fileType : "document";
}

/**
 * What to send for a message, in order (one Graph message each): a template; media (caption on the first that
 * allows one); an input_select as interactive buttons (≤ 3 items) or a list; otherwise text.
 */
export function outboundBodies(to: string, m: OutgoingMessage, media: UploadedAttachment[], replyToWamid: string | null): Record<string, unknown>[] {
  const context = replyToWamid ? { context: { message_id: replyToWamid } } : {};
  const template = m.additional_attributes?.template_params;
  if (template) {
    const parsed = templateParamsSchema.safeParse(template);
    if (parsed.success) return [{ to, type: "template", template: templateBody(parsed.data), ...context }];
  }
  const text = m.content ?? "";
  if (media.length) {
    let captionUsed = false;
    const bodies: Record<string, unknown>[] = media.map((a) => {
      const type = graphMediaType(a.file_type);
      const object: Record<string, unknown> = { id: a.media_id };
      if (type === "document" && a.file_name) object.filename = a.file_name;
      if (type !== "audio" && text && !captionUsed) {
        object.caption = text;
        captionUsed = true;
      }
      return { to, type, [type]: object, ...context };
    });
    // Audio takes no caption: the text goes as its own message.
    if (text && !captionUsed) bodies.push({ to, type: "text", text: { body: text, preview_url: false }, ...context });
    return bodies;
  }
  const items = Array.isArray(m.content_attributes?.items) ? (m.content_attributes.items as Record<string, unknown>[]) : [];
  if (m.content_type === "input_select" && items.length) {
    const choices = items.slice(0, MAX_ROWS).map((it, i) => ({ id: String(it.value ?? it.title ?? i + 1), title: String(it.title ?? it.value ?? `Option ${i + 1}`) }));
    const body = { text: text || "Choose an option" };
    if (choices.length <= MAX_BUTTONS) {
      return [{ to, type: "interactive", interactive: { type: "button", body, action: { buttons: choices.map((c) => ({ type: "reply", reply: { id: c.id, title: clip(c.title, BUTTON_TITLE) } })) } }, ...context }];
    }
    return [
      {
        to,
        type: "interactive",
        interactive: { type: "list", body, action: { button: "Choose an item", sections: [{ rows: choices.map((c) => ({ id: c.id, title: clip(c.title, ROW_TITLE) })) }] } },
        ...context,
      },
    ];
  }
  return [{ to, type: "text", text: { body: text, preview_url: /https?:\/\//.test(text) }, ...context }];
}
