// Variables in outgoing messages, as Chatwoot's Liquidable does before saving an agent's message: `{{contact.name}}`,
// `{{contact.first_name}}`, `{{contact.last_name}}`, `{{contact.email}}`, `{{contact.phone_number}}`, `{{contact.id}}`,
// `{{agent.name}}`, `{{agent.id}}`, `{{conversation.display_id}}`, `{{conversation.id}}`,
// `{{conversation.contact_name}}`, `{{conversation.custom_attribute.KEY}}`, `{{inbox.name}}`, `{{inbox.id}}`, with the
// `default` filter (`{{contact.name | default: 'there'}}`). As in Liquid, an unknown variable renders as nothing; text
// in backticks is left alone. Canned responses use them.

export type VariableDrops = {
  contact: { id: number; name: string | null; email: string | null; phone_number: string | null } | null;
  agent: { id: number; name: string } | null;
  conversation: { id: number; display_id: number; custom_attributes: Record<string, unknown> };
  inbox: { id: number; name: string } | null;
};

const OUTPUT = /\{\{\s*([a-z_]+(?:\.[A-Za-z0-9_]+){1,2})\s*(?:\|\s*default\s*:\s*(?:'([^']*)'|"([^"]*)"))?\s*\}\}/g;
const CODE = /(`+)[\s\S]*?\1/g;

function lookup(drops: VariableDrops, path: string): unknown {
  const [object, key, sub] = path.split(".");
  const { contact, agent, conversation, inbox } = drops;
  if (object === "contact" && contact) {
    const words = (contact.name ?? "").trim().split(/\s+/).filter(Boolean);
    if (key === "first_name") return words[0];
    if (key === "last_name") return words.length > 1 ? words[words.length - 1] : undefined;
    if (key === "id" || key === "name" || key === "email" || key === "phone_number") return contact[key];
  }
  if (object === "agent" && agent && (key === "id" || key === "name")) return agent[key];
  if (object === "inbox" && inbox && (key === "id" || key === "name")) return inbox[key];
  if (object === "conversation") {
    if (key === "id" || key === "display_id") return conversation.display_id;
    if (key === "contact_name") return contact?.name ? contact.name.charAt(0).toUpperCase() + contact.name.slice(1) : "Customer";
    if (key === "custom_attribute" && sub) return conversation.custom_attributes[sub];
  }
  return undefined;
}

/** Whether the text has anything to render (cheap: message writes call this first). */
export function hasVariables(content: string): boolean {
  return content.includes("{{");
}

export function renderVariables(content: string, drops: VariableDrops): string {
  const render = (text: string) =>
    text.replace(OUTPUT, (_, path: string, single?: string, double?: string) => {
      const value = lookup(drops, path);
      return value === undefined || value === null || value === "" ? (single ?? double ?? "") : String(value);
    });
  // Text between code spans is rendered; the code spans themselves are copied as they are.
  let out = "";
  let at = 0;
  for (const code of content.matchAll(CODE)) {
    out += render(content.slice(at, code.index)) + code[0];
    at = code.index + code[0].length;
  }
  return out + render(content.slice(at));
}
