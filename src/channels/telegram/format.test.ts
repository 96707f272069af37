import { describe, expect, test } from "bun:test";
import { htmlProblem } from "../../testing/fakes/telegram.ts";
import { telegramHtml } from "./format.ts";

describe("telegramHtml", () => {
  test("Markdown marks become Telegram's HTML subset; everything else is escaped text", () => {
    expect(telegramHtml("**Bold**, *italic*, _also italic_, ~~gone~~ and `a < b`")).toBe("<b>Bold</b>, <i>italic</i>, <i>also italic</i>, <s>gone</s> and <code>a &lt; b</code>");
    expect(telegramHtml("See [the docs](https://example.com/a?b=1&c=2) & <script>")).toBe('See <a href="https://example.com/a?b=1&amp;c=2">the docs</a> &amp; &lt;script&gt;');
    expect(telegramHtml("```js\nif (a && b) {}\n```")).toBe("<pre>if (a &amp;&amp; b) {}\n</pre>");
    expect(telegramHtml("snake_case_name and 2 * 3 * 4")).toBe("snake_case_name and 2 * 3 * 4");
    expect(telegramHtml("**unclosed and *stray")).toBe("**unclosed and *stray");
  });

  test("whatever an agent types converts to markup Telegram accepts", () => {
    const samples = ["<b>not a tag</b>", "a & b", "**x *y* z**", "`code **not bold**`", "[x](javascript:alert(1))", "***", "_*_*", "**a** **b**", "\u0000evil\u0000 0"];
    for (const s of samples) expect(htmlProblem(telegramHtml(s))).toBeNull();
  });
});
