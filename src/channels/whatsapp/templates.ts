// WhatsApp message templates: Chatwoot's `template_params` of a message ({name, category, language,
// processed_params}) → the Graph API `template` object, and the text an agent sees for it. Pure functions.
import { z } from "zod";
import type { GraphTemplate } from "./graph.ts";

/** Chatwoot's template_params. processed_params is either { "1": "x", … } (legacy) or { body, header, buttons }. */
export const templateParamsSchema = z.object({
  name: z.string({ error: "must be a string" }).trim().min(1, "can't be blank").max(512),
  category: z.string().max(64).optional().nullable(),
  language: z.string({ error: "must be a string" }).trim().min(2, "can't be blank").max(16),
  processed_params: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional().nullable(),
});
export type TemplateParams = z.infer<typeof templateParamsSchema>;

type Component = Record<string, any>;

function textParams(values: Record<string, unknown>): Record<string, unknown>[] {
  const keys = Object.keys(values);
  const numbered = keys.every((k) => /^\d+$/.test(k));
  const ordered = numbered ? keys.sort((a, b) => Number(a) - Number(b)) : keys;
  return ordered.map((k) => ({ type: "text", text: String(values[k] ?? ""), ...(numbered ? {} : { parameter_name: k }) }));
}

/** The `template` object of POST /{phone_number_id}/messages. */
export function templateBody(params: TemplateParams): Record<string, unknown> {
  const processed = params.processed_params ?? {};
  const structured = ["body", "header", "buttons", "footer"].some((k) => k in processed);
  const components: Component[] = [];
  if (!structured) {
    const values = Object.fromEntries(Object.entries(processed).map(([k, v]) => [k, v]));
    if (Object.keys(values).length) components.push({ type: "body", parameters: textParams(values) });
  } else {
    const header = processed.header as Record<string, any> | undefined;
    if (header && typeof header === "object") {
      const mediaType = typeof header.media_type === "string" ? header.media_type.toLowerCase() : null;
      if (mediaType && typeof header.media_url === "string" && ["image", "video", "document"].includes(mediaType)) {
        components.push({ type: "header", parameters: [{ type: mediaType, [mediaType]: { link: header.media_url } }] });
      } else {
        const values = Object.fromEntries(Object.entries(header).filter(([k]) => k !== "media_type" && k !== "media_url"));
        if (Object.keys(values).length) components.push({ type: "header", parameters: textParams(values) });
      }
    }
    const body = processed.body as Record<string, unknown> | undefined;
    if (body && typeof body === "object" && Object.keys(body).length) components.push({ type: "body", parameters: textParams(body) });
    const buttons = Array.isArray(processed.buttons) ? (processed.buttons as Record<string, any>[]) : [];
    buttons.forEach((b, index) => {
      if (!b || typeof b !== "object") return;
      const subType = String(b.type ?? "url").toLowerCase();
      const parameter = b.parameter ?? b.text ?? b.payload;
      if (parameter == null || parameter === "") return;
      const param = subType === "quick_reply" ? { type: "payload", payload: String(parameter) } : { type: "text", text: String(parameter) };
      components.push({ type: "button", sub_type: subType, index: String(b.index ?? index), parameters: [param] });
    });
  }
  return { name: params.name, language: { policy: "deterministic", code: params.language }, ...(components.length ? { components } : {}) };
}

/** The template's text with its parameters filled in: the message content agents and contacts see. */
export function renderTemplate(template: GraphTemplate | undefined, params: TemplateParams): string {
  const processed = params.processed_params ?? {};
  const structured = ["body", "header", "buttons", "footer"].some((k) => k in processed);
  const bodyValues = (structured ? (processed.body as Record<string, unknown>) : processed) ?? {};
  const headerValues = structured && processed.header && typeof processed.header === "object" ? (processed.header as Record<string, unknown>) : {};
  const fill = (text: string, values: Record<string, unknown>) =>
    text.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, key: string) => (values[key] != null && values[key] !== "" ? String(values[key]) : all));
  if (!template) return params.name;
  const parts: string[] = [];
  for (const c of template.components ?? []) {
    const type = String(c.type ?? "").toUpperCase();
    if (typeof c.text !== "string") continue;
    if (type === "HEADER") parts.push(fill(c.text, headerValues));
    else if (type === "BODY") parts.push(fill(c.text, bodyValues));
    else if (type === "FOOTER") parts.push(c.text);
  }
  return parts.join("\n\n") || params.name;
}

/** The parameter names a template's body (and text header) expect: ["1","2"] or named ones. */
export function templateVariables(template: GraphTemplate): { body: string[]; header: string[]; headerMedia: "image" | "video" | "document" | null } {
  const names = (text: unknown) => (typeof text === "string" ? [...new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]))] : []);
  const find = (type: string) => (template.components ?? []).find((c) => String(c.type ?? "").toUpperCase() === type);
  const header = find("HEADER");
  const format = String(header?.format ?? "TEXT").toUpperCase();
  const headerMedia = format === "IMAGE" ? "image" : format === "VIDEO" ? "video" : format === "DOCUMENT" ? "document" : null;
  return { body: names(find("BODY")?.text), header: header && format === "TEXT" ? names(header.text) : [], headerMedia };
}

/** Only approved templates can be sent. */
export function sendableTemplates(all: unknown): GraphTemplate[] {
  return (Array.isArray(all) ? (all as GraphTemplate[]) : []).filter((t) => t && String(t.status).toUpperCase() === "APPROVED" && typeof t.name === "string");
}
