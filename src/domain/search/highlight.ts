/**
 * Highlighting without markup: the text is cut into segments, each marked as a match or not, and the view
 * renders matches inside <mark> (JSX escapes every segment, so user content never becomes markup).
 *
 * Matching follows the index: text and terms are folded (lower case, diacritics removed), a message term matches whole words (as the FTS query
 * does); a contact term matches anywhere (the contact index is a trigram substring index).
 */
export type Segment = { text: string; match: boolean };
export type Highlighted = { segments: Segment[]; cutStart: boolean; cutEnd: boolean };

/** The words of a query as the unicode61 tokenizer sees them (letters and digits), at most 8. */
export function queryTerms(q: string): string[] {
  const words = q.match(/[\p{L}\p{N}\p{Co}]+/gu) ?? [];
  return [...new Set(words.map(fold).filter(Boolean))].slice(0, 8);
}

export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The folded text and, for every folded UTF-16 unit, the index in the original text it came from. */
function foldWithMap(text: string): { folded: string; map: number[] } {
  let folded = "";
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) map.push(i);
    folded += f;
    i += ch.length;
  }
  map.push(text.length);
  return { folded, map };
}

const WORD = /[\p{L}\p{N}\p{Co}]/u;

/** Match ranges [start, end) in the original text, sorted and merged. */
export function matchRanges(text: string, terms: string[], mode: "word" | "substring"): [number, number][] {
  if (!terms.length || !text) return [];
  const { folded, map } = foldWithMap(text);
  const ranges: [number, number][] = [];
  for (const term of terms) {
    if (!term) continue;
    let from = 0;
    for (;;) {
      const at = folded.indexOf(term, from);
      if (at < 0) break;
      from = at + 1;
      if (mode === "word" && ((at > 0 && WORD.test(folded[at - 1]!)) || (at + term.length < folded.length && WORD.test(folded[at + term.length]!)))) continue;
      const start = map[at]!;
      const endFolded = at + term.length;
      // Extend to the end of the original character the last folded unit came from.
      let end = map[endFolded] ?? text.length;
      if (end <= start) end = start + 1;
      ranges.push([start, end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * The text as segments around the first match, cut to about `width` characters (at whitespace when it can),
 * with the flags telling whether text was left out before or after.
 */
export function highlight(text: string, terms: string[], mode: "word" | "substring", width = 180): Highlighted {
  const ranges = matchRanges(text, terms, mode);
  let from = 0;
  let to = text.length;
  if (text.length > width) {
    const first = ranges[0]?.[0] ?? 0;
    from = Math.max(0, first - Math.floor(width / 3));
    if (from > 0) {
      const space = text.indexOf(" ", from);
      if (space >= 0 && space < first) from = space + 1;
    }
    to = Math.min(text.length, from + width);
    if (to < text.length) {
      const space = text.lastIndexOf(" ", to);
      if (space > from + width / 2) to = space;
    }
    // Never cut inside a surrogate pair.
    if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from]!)) from--;
    if (to < text.length && /[\uDC00-\uDFFF]/.test(text[to]!)) to++;
  }
  const segments: Segment[] = [];
  let pos = from;
  for (const [s, e] of ranges) {
    if (e <= from || s >= to) continue;
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    if (a > pos) segments.push({ text: text.slice(pos, a), match: false });
    segments.push({ text: text.slice(a, b), match: true });
    pos = b;
  }
  if (pos < to) segments.push({ text: text.slice(pos, to), match: false });
  return { segments, cutStart: from > 0, cutEnd: to < text.length };
}

/** The highlighted text as HTML: each segment escaped first, then matches wrapped in <mark>. */
export function highlightHtml(h: Highlighted): string {
  const body = h.segments.map((s) => (s.match ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text))).join("");
  return `${h.cutStart ? "…" : ""}${body}${h.cutEnd ? "…" : ""}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}
