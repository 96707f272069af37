// Email bodies: an allowlist HTML sanitizer (sanitize-html), HTML → text, and the split of a reply from the quoted
// history below it (Gmail, Apple Mail, Thunderbird, Outlook markers in HTML; "On … wrote:", "-----Original Message-----",
// Outlook header blocks and trailing ">" quotes in text).
import type SanitizeHtml from "sanitize-html";

// Loaded on first use (synchronously: rendering needs it inline): only installations that see email pay for the
// library and its HTML parser (tens of MB).
let loaded: typeof SanitizeHtml | null = null;
const sanitizeHtml = (html: string, options: SanitizeHtml.IOptions) => (loaded ??= require("sanitize-html") as typeof SanitizeHtml)(html, options);

const ALLOWED_TAGS = [
  "a", "abbr", "address", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "div",
  "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
  "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
];

const SANITIZE: SanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "title", "width", "height"],
    td: ["colspan", "rowspan", "align", "valign"],
    th: ["colspan", "rowspan", "align", "valign"],
    table: ["align"],
    ol: ["start", "type"],
    blockquote: ["cite"],
    font: ["color"],
  },
  // No data:, javascript:, cid: or protocol-relative URLs; images only from http(s).
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Whole elements whose text must not survive (scripts, styles, forms' option lists, <head> titles).
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head", "template", "iframe", "object", "svg", "math"],
  // An image must come from http(s): relative and scheme-less sources (which would load from Parley's origin) go.
  exclusiveFilter: (frame) => frame.tag === "img" && !/^https?:\/\//i.test(frame.attribs.src ?? ""),
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: "_blank", rel: "noopener noreferrer nofollow" } }),
  },
};
// The transform adds target/rel after the attribute filter has run; allow them on <a>.
(SANITIZE.allowedAttributes as Record<string, string[]>).a.push("target", "rel");

/** The HTML of an email, reduced to an allowlist of formatting tags and safe links/images (no scripts, handlers, styles). */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE).trim();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Plain text of an HTML body: block ends become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  const marked = html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table)\s*>/gi, "\n")
    .replace(/<li[^>]*>/gi, "- ");
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: SANITIZE.nonTextTags });
  return decodeEntities(text)
    .replace(/\u00a0/g, " ")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export type Split = { full: string; reply: string; quoted: string };

// Where quoted history starts in the HTML of common clients (searched in the raw HTML, before sanitizing).
const HTML_QUOTE_MARKERS = [
  /<div[^>]*class=["']?[^"'>]*gmail_quote/i, // Gmail
  /<blockquote[^>]*type=["']?cite/i, // Apple Mail, Thunderbird
  /<div[^>]*class=["']?moz-cite-prefix/i, // Thunderbird's "On … wrote:" line
  /<div[^>]*id=["']?appendonsend/i, // Outlook (web, new)
  /<div[^>]*id=["']?divRplyFwdMsg/i, // Outlook
  /<hr[^>]*id=["']?stopSpelling/i, // Outlook.com
  /<div[^>]*class=["']?yahoo_quoted/i, // Yahoo
  /-{3,}\s*Original Message\s*-{3,}/i,
];

/** The reply part of an HTML email and the quoted history under it, both sanitized. */
export function splitHtml(rawHtml: string): Split {
  let cut = -1;
  for (const marker of HTML_QUOTE_MARKERS) {
    const m = marker.exec(rawHtml);
    if (m && (cut < 0 || m.index < cut)) cut = m.index;
  }
  const full = sanitizeEmailHtml(rawHtml);
  if (cut < 0) return { full, reply: full, quoted: "" };
  const reply = sanitizeEmailHtml(rawHtml.slice(0, cut));
  const quoted = sanitizeEmailHtml(rawHtml.slice(cut));
  // Nothing above the quote (a forward, or a reply typed below the quote): show everything.
  if (!htmlToText(reply)) return { full, reply: full, quoted: "" };
  return { full, reply, quoted };
}

const WROTE = /^(On|Am|Le|El|Il|Op)\s.{1,400}(wrote|schrieb|a écrit|escribió|ha scritto|schreef)\s*:\s*$/i;
const ORIGINAL = /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Forwarded message)\s*-{2,}/i;
const UNDERSCORES = /^_{10,}\s*$/;
const HEADER = /^\*?(From|Von|De)\s*:\*?\s/i;
const HEADER_NEXT = /^\*?(Sent|Date|Gesendet|Envoyé|To|An|À|Subject|Betreff|Objet)\s*:\*?\s/i;

/** The line index where the quoted history of a text email starts, or -1. */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (WROTE.test(line)) return i;
    // "On Mon, 1 Jan 2026 at 10:00, Someone <a@b>" + "wrote:" on the next line.
    if (/^(On|Am|Le)\s/i.test(line) && i + 1 < lines.length && /^.{0,200}(wrote|schrieb|a écrit)\s*:\s*$/i.test(lines[i + 1].trim())) return i;
    if (ORIGINAL.test(line)) return i;
    if (UNDERSCORES.test(line) && i + 1 < lines.length && HEADER.test(lines[i + 1].trim())) return i;
    if (HEADER.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_NEXT.test(l.trim()))) return i;
    // A ">" quote that runs (with blank lines) to the end: the classic bottom quote. Interleaved replies stay whole.
    if (line.startsWith(">") && lines.slice(i).every((l) => l.trim() === "" || l.trim().startsWith(">"))) return i;
  }
  return -1;
}

/** The reply part of a text email and the quoted history under it. */
export function splitText(text: string): Split {
  const full = text.replace(/\r\n/g, "\n").trim();
  const lines = full.split("\n");
  const at = quoteStart(lines);
  if (at <= 0) return { full, reply: full, quoted: "" };
  const reply = lines.slice(0, at).join("\n").trim();
  if (!reply) return { full, reply: full, quoted: "" };
  return { full, reply, quoted: lines.slice(at).join("\n").trim() };
}
