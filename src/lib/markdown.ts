// A small, safe markdown renderer for message content. Everything the author wrote is HTML-escaped first;
// only the markup below is turned into tags, and every tag and attribute comes from this file:
// **bold**, *italic* / _italic_, ~~strike~~, `code`, ``` fenced blocks ```, [text](https://…) links
// (http, https and mailto only), bare URLs, line breaks, - / 1. lists, > quotes, and Chatwoot's mention
// markup [@Name](mention://user/<id>/<name>) shown as a highlighted @Name.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

const LINK_ATTRS = 'target="_blank" rel="noopener noreferrer nofollow"';
const SAFE_URL = /^(?:https?:\/\/[^\s<>"'`\\]+|mailto:[^\s<>"'`\\/:]+@[^\s<>"'`\\]+)$/i;
const MAX_QUOTE_DEPTH = 3;

/** A URL we are willing to put in an href (http, https, mailto), or null. */
export function safeUrl(url: string): string | null {
  return SAFE_URL.test(url) ? url : null;
}

function anchor(url: string, html: string): string {
  return `<a href="${escapeHtml(url)}" ${LINK_ATTRS}>${html}</a>`;
}

/** Bold, strike and italic over already escaped text (the markers survive escaping unchanged). */
function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/__(?=\S)([^\n]*?\S)__/g, "<strong>$1</strong>")
    .replace(/~~(?=\S)([^\n]*?\S)~~/g, "<del>$1</del>")
    .replace(/(^|[^\w*])\*(?=[^\s*])([^\n*]*?[^\s*])\*(?![\w*])/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_(?=[^\s_])([^\n_]*?[^\s_])_(?!\w)/g, "$1<em>$2</em>");
}

// One pass over the raw text finds the pieces that must not be touched by escaping-then-emphasis:
// code spans, mentions, links and bare URLs. They are rendered on their own and put back at the end.
const INLINE_TOKENS =
  /(`+)([^`\n]|[^`\n][\s\S]*?[^`\n])\1(?!`)|\[(@[^\]\n]{1,200})\]\(mention:\/\/(user|team)\/(\d{1,15})\/[^)\n]{0,200}\)|\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)|((?:https?:\/\/|mailto:)[^\s<>"'`]+)/gi;

const PLACEHOLDER = /\u0000(\d+)\u0000/g;

function inline(raw: string): string {
  const parts: string[] = [];
  const keep = (html: string) => `\u0000${parts.push(html) - 1}\u0000`;
  const text = raw.replace(INLINE_TOKENS, (whole, _ticks, code, mention, kind, id, linkText, linkUrl, bare) => {
    if (code !== undefined) return keep(`<code>${escapeHtml(code)}</code>`);
    if (mention !== undefined) return keep(`<span class="mention" data-mention-type="${kind.toLowerCase()}" data-mention-id="${id}">${escapeHtml(mention)}</span>`);
    if (linkText !== undefined) {
      const url = safeUrl(linkUrl);
      // An unsafe link keeps its text (with emphasis) and drops the target.
      if (!url) return keep(emphasis(escapeHtml(linkText)));
      return keep(anchor(url, emphasis(escapeHtml(linkText))));
    }
    // A bare URL: trailing punctuation belongs to the sentence, not the link.
    const m = /^(.*?)([.,;:!?)\]]*)$/.exec(bare)!;
    const url = safeUrl(m[1]);
    if (!url) return keep(escapeHtml(whole));
    return keep(anchor(url, escapeHtml(url))) + escapeHtml(m[2]);
  });
  return emphasis(escapeHtml(text)).replace(PLACEHOLDER, (_, i) => parts[Number(i)]);
}

const FENCE = /^\s{0,3}```/;
const QUOTE = /^\s{0,3}>\s?/;
const BULLET = /^\s{0,3}[-*+]\s+/;
const ORDERED = /^\s{0,3}\d{1,9}[.)]\s+/;

function isBlockStart(line: string): boolean {
  return FENCE.test(line) || QUOTE.test(line) || BULLET.test(line) || ORDERED.test(line);
}

function blocks(lines: string[], depth: number): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    if (FENCE.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i])) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      out.push(`<pre><code>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) body.push(lines[i++].replace(QUOTE, ""));
      out.push(depth < MAX_QUOTE_DEPTH ? `<blockquote>${blocks(body, depth + 1)}</blockquote>` : `<blockquote><p>${body.map(inline).join("<br>")}</p></blockquote>`);
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = ORDERED.test(line);
      const marker = ordered ? ORDERED : BULLET;
      const items: string[] = [];
      while (i < lines.length && marker.test(lines[i])) items.push(`<li>${inline(lines[i++].replace(marker, ""))}</li>`);
      out.push(ordered ? `<ol>${items.join("")}</ol>` : `<ul>${items.join("")}</ul>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== "" && (para.length === 0 || !isBlockStart(lines[i]))) para.push(lines[i++]);
    out.push(`<p>${para.map(inline).join("<br>")}</p>`);
  }
  return out.join("");
}

/** Message markdown → HTML that is safe to insert as is. */
export function renderMarkdown(source: string | null | undefined): string {
  if (!source) return "";
  const clean = source.replace(/\r\n?/g, "\n").replace(/\u0000/g, "");
  return blocks(clean.split("\n"), 0);
}
