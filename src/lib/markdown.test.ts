import { describe, expect, test } from "bun:test";
import { renderMarkdown } from "./markdown.ts";

/** Every tag the renderer may emit; anything else in the output means input leaked through as markup. */
const ALLOWED_TAGS = new Set(["p", "br", "strong", "em", "del", "code", "pre", "a", "ul", "ol", "li", "blockquote", "span"]);

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1].toLowerCase());
}

function assertSafe(html: string) {
  for (const tag of tagsOf(html)) expect(ALLOWED_TAGS.has(tag)).toBe(true);
  // No event handler attribute and no script URL can appear inside a tag.
  for (const tag of html.matchAll(/<[^>]*>/g)) {
    expect(tag[0]).not.toMatch(/\son\w+\s*=/i);
    expect(tag[0]).not.toMatch(/javascript:|data:|vbscript:/i);
    expect(tag[0]).not.toMatch(/style\s*=/i);
  }
}

describe("renderMarkdown", () => {
  test("plain text is escaped and wrapped in a paragraph", () => {
    expect(renderMarkdown("Hello & <world>")).toBe("<p>Hello &amp; &lt;world&gt;</p>");
    expect(renderMarkdown("")).toBe("");
    expect(renderMarkdown(null)).toBe("");
  });

  test("bold, italic, strike and inline code", () => {
    expect(renderMarkdown("**bold** and *it* and _it2_ and ~~gone~~ and `a<b`")).toBe(
      "<p><strong>bold</strong> and <em>it</em> and <em>it2</em> and <del>gone</del> and <code>a&lt;b</code></p>",
    );
  });

  test("markup inside code is shown literally", () => {
    expect(renderMarkdown("`**not bold** [x](https://a.b)`")).toBe("<p><code>**not bold** [x](https://a.b)</code></p>");
  });

  test("snake_case words are not italicised", () => {
    expect(renderMarkdown("call some_function_name now")).toBe("<p>call some_function_name now</p>");
  });

  test("line breaks, paragraphs and fenced code blocks", () => {
    expect(renderMarkdown("one\ntwo\n\nthree")).toBe("<p>one<br>two</p><p>three</p>");
    expect(renderMarkdown("```\n<script>alert(1)</script>\n**x**\n```")).toBe("<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n**x**</code></pre>");
  });

  test("lists and block quotes", () => {
    expect(renderMarkdown("- a\n- **b**")).toBe("<ul><li>a</li><li><strong>b</strong></li></ul>");
    expect(renderMarkdown("1. first\n2. second")).toBe("<ol><li>first</li><li>second</li></ol>");
    expect(renderMarkdown("> quoted\n> more")).toBe("<blockquote><p>quoted<br>more</p></blockquote>");
    expect(renderMarkdown("Intro\n- item")).toBe("<p>Intro</p><ul><li>item</li></ul>");
  });

  test("links open in a new tab with safe rel; autolinks too, without trailing punctuation", () => {
    expect(renderMarkdown("[Docs](https://example.com/a?b=1&c=2)")).toBe(
      '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow">Docs</a></p>',
    );
    expect(renderMarkdown("see https://example.com/x_y_z.")).toBe(
      '<p>see <a href="https://example.com/x_y_z" target="_blank" rel="noopener noreferrer nofollow">https://example.com/x_y_z</a>.</p>',
    );
    expect(renderMarkdown("[mail me](mailto:a@example.com)")).toContain('href="mailto:a@example.com"');
  });

  test("mention markup becomes a highlighted @Name", () => {
    expect(renderMarkdown("Hi [@Alex Agent](mention://user/42/Alex%20Agent), look")).toBe(
      '<p>Hi <span class="mention" data-mention-type="user" data-mention-id="42">@Alex Agent</span>, look</p>',
    );
    expect(renderMarkdown("[@<img src=x onerror=alert(1)>](mention://user/1/x)")).toBe(
      '<p><span class="mention" data-mention-type="user" data-mention-id="1">@&lt;img src=x onerror=alert(1)&gt;</span></p>',
    );
  });

  const VECTORS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](&#106;avascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    '[x](https://a.com/"onmouseover="alert(1))',
    "[x](https://a.com/'onmouseover='alert(1))",
    'https://a.com/"><script>alert(1)</script>',
    "https://a.com/<img/src/onerror=alert(1)>",
    "**<img src=x onerror=alert(1)>**",
    "*[x](javascript:alert(1))*",
    "[**x**](javascript:alert(1))",
    "[[x](https://ok.com)](javascript:alert(1))",
    "`</code><script>alert(1)</script>`",
    "> <svg onload=alert(1)>",
    "- <iframe src=javascript:alert(1)>",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "[@x](mention://user/1/x\" onmouseover=\"alert(1))",
    "[x](mailto:javascript:alert(1))",
    "\u0000<b>0</b>\u0000",
    "<style>body{display:none}</style>",
  ];

  for (const vector of VECTORS) {
    test(`XSS vector stays inert: ${JSON.stringify(vector)}`, () => {
      assertSafe(renderMarkdown(vector));
    });
  }

  test("an unsafe link keeps only its text", () => {
    expect(renderMarkdown("[click](javascript:void)")).toBe("<p>click</p>");
    expect(renderMarkdown("[click](javascript:alert(1))")).toBe("<p>[click](javascript:alert(1))</p>");
    expect(renderMarkdown("[**bold**](javascript:x)")).toBe("<p><strong>bold</strong></p>");
  });

  test("quotes in a URL cannot leave the href attribute", () => {
    const html = renderMarkdown('https://a.com/x"onmouseover="alert(1)');
    expect(html).toBe('<p><a href="https://a.com/x" target="_blank" rel="noopener noreferrer nofollow">https://a.com/x</a>&quot;onmouseover=&quot;alert(1)</p>');
  });

  test("nested markdown renders inside out without breaking tags", () => {
    expect(renderMarkdown("**bold *and italic* ~~and struck~~**")).toBe("<p><strong>bold <em>and italic</em> <del>and struck</del></strong></p>");
    expect(renderMarkdown("[**bold link**](https://a.com)")).toBe('<p><a href="https://a.com" target="_blank" rel="noopener noreferrer nofollow"><strong>bold link</strong></a></p>');
  });
});
