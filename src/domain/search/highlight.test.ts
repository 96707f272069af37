import { describe, expect, test } from "bun:test";
import { highlight, highlightHtml, matchRanges, queryTerms } from "./highlight.ts";

describe("highlight", () => {
  test("query terms are folded words; punctuation and FTS syntax are dropped", () => {
    expect(queryTerms('Café "ORDER" NEAR(x*) order')).toEqual(["cafe", "order", "near", "x"]);
    expect(queryTerms("!!! ---")).toEqual([]);
  });

  test("word mode marks whole words only, case- and diacritic-insensitively, keeping the original text", () => {
    const text = "Order ORDERS reorder order, Café cafe";
    const h = highlight(text, ["order", "cafe"], "word");
    expect(h.segments.filter((s) => s.match).map((s) => s.text)).toEqual(["Order", "order", "Café", "cafe"]);
    expect(h.segments.map((s) => s.text).join("")).toBe(text);
  });

  test("substring mode marks anywhere", () => {
    expect(matchRanges("lucy.kelly@example.com", ["kelly@ex"], "substring")).toEqual([[5, 13]]);
  });

  test("markup in content is escaped before marking, never interpreted", () => {
    const html = highlightHtml(highlight('<script>alert("x")</script> <b>order</b> & more', ["order", "script"], "word"));
    expect(html).toBe('&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; &lt;b&gt;<mark>order</mark>&lt;/b&gt; &amp; more');
    expect(html).not.toContain("<script");
  });

  test("long text is cut around the first match, with ellipses", () => {
    const text = `${"lorem ipsum ".repeat(40)}needle ${"dolor sit ".repeat(40)}`;
    const h = highlight(text, ["needle"], "word", 100);
    expect(h.cutStart).toBe(true);
    expect(h.cutEnd).toBe(true);
    expect(h.segments.some((s) => s.match && s.text === "needle")).toBe(true);
    expect(h.segments.map((s) => s.text).join("").length).toBeLessThanOrEqual(102);
    const html = highlightHtml(h);
    expect(html.startsWith("…")).toBe(true);
    expect(html.endsWith("…")).toBe(true);
  });
});
