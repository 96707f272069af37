/**
 * Agents write Markdown; Telegram formats with its HTML subset (parse_mode "HTML": b, i, s, code, pre, a). This turns
 * the common Markdown marks into that subset and escapes everything else, so a stray "<" or "&" is text, never markup.
 * Whatever it cannot express stays as typed.
 */
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string) => escapeHtml(s).replace(/"/g, "&quot;");

export function telegramHtml(markdown: string): string {
  const kept: string[] = [];
  const keep = (html: string) => `\u0000${kept.push(html) - 1}\u0000`;
  let s = markdown.replace(/\u0000/g, "");
  // Code first: nothing inside it is formatting.
  s = s.replace(/```(?:[A-Za-z0-9_+-]*\n)?([\s\S]*?)```/g, (_, code: string) => keep(`<pre>${escapeHtml(code)}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code: string) => keep(`<code>${escapeHtml(code)}</code>`));
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_, text: string, url: string) => keep(`<a href="${escapeAttr(url)}">${escapeHtml(text)}</a>`));
  s = escapeHtml(s);
  s = s.replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, "<b>$1</b>");
  s = s.replace(/~~(?=\S)([^~\n]*?\S)~~/g, "<s>$1</s>");
  s = s.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, "$1<i>$2</i>");
  s = s.replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, "$1<i>$2</i>");
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => kept[Number(i)]);
}

/** Telegram refused the markup ("can't parse entities"): the message goes again as plain text. */
export function isEntityError(description: string): boolean {
  return /can't parse entities|unsupported start tag|can't find end tag/i.test(description);
}
