import { describe, expect, test } from "bun:test";
import { conversationUuidOfAddress, conversationUuidOfMessageId, messageIdList, normalizeMessageId, replyAddress, replySubject } from "./addresses.ts";
import { htmlToText, sanitizeEmailHtml, splitHtml, splitText } from "./html.ts";

const UUID = "0b5e2a57-9c1d-4e2f-8a3b-6c7d8e9f0a1b";

describe("sanitizeEmailHtml", () => {
  test("keeps formatting, links and http(s) images; drops scripts, handlers, styles, forms and unsafe URLs", () => {
    const out = sanitizeEmailHtml(
      '<div style="color:red" onmouseover="x()"><p>Hi <b>there</b> <a href="https://acme.test/x" onclick="y()">link</a></p>' +
        '<script>alert(1)</script><style>p{}</style><iframe src="https://evil.test"></iframe><form action="/x"><input name="a"></form>' +
        '<img src="https://img.test/a.png" onerror="z()"><img src="cid:part1"><img src="data:image/png;base64,AAAA"><img src="/relative.png">' +
        '<a href="javascript:alert(1)">js</a><a href="vbscript:x">vb</a><svg><script>alert(2)</script></svg></div>',
    );
    expect(out).toContain("<b>there</b>");
    expect(out).toContain('<a href="https://acme.test/x" target="_blank" rel="noopener noreferrer nofollow">link</a>');
    expect(out).toContain('<img src="https://img.test/a.png" />');
    for (const bad of ["script", "onerror", "onclick", "onmouseover", "style", "iframe", "<form", "<input", "cid:", "data:", "/relative.png", "javascript:", "vbscript:", "alert"]) {
      expect(out).not.toContain(bad);
    }
  });

  test("htmlToText turns blocks into lines and decodes entities", () => {
    expect(htmlToText("<p>One &amp; two</p><div>Three<br>Four&nbsp;&#8364;</div><ul><li>a</li><li>b</li></ul>")).toBe("One & two\nThree\nFour €\n- a\n- b");
  });
});

describe("quoted history", () => {
  test("text: 'On … wrote:' (one or two lines), Outlook headers, '-----Original Message-----', a bottom '>' quote", () => {
    expect(splitText("Thanks!\n\nOn Mon, 1 Jan 2026 at 10:00, Ada <a@b.test> wrote:\n> earlier").reply).toBe("Thanks!");
    expect(splitText("Thanks!\n\nOn Mon, 1 Jan 2026 at 10:00, Ada Lovelace <ada@example.test>\nwrote:\n> earlier").reply).toBe("Thanks!");
    expect(splitText("Sure.\n\n________________________________\nFrom: Support <s@acme.test>\nSent: Monday\nTo: me\nSubject: Re: x\n\nold").reply).toBe("Sure.");
    expect(splitText("Fine.\n-----Original Message-----\nFrom: x\nold").reply).toBe("Fine.");
    const bottom = splitText("Yes please.\n\n> Do you want a refund?\n> Let us know.");
    expect(bottom.reply).toBe("Yes please.");
    expect(bottom.quoted).toBe("> Do you want a refund?\n> Let us know.");
  });

  test("text: interleaved answers and messages that are only a quote stay whole", () => {
    const interleaved = "> Which colour?\nBlue.\n> Which size?\nM.";
    expect(splitText(interleaved).reply).toBe(interleaved);
    expect(splitText("> only a quote").reply).toBe("> only a quote");
  });

  test("html: Gmail, Apple Mail and Outlook quote markers", () => {
    expect(splitHtml('<div>New text</div><div class="gmail_quote">On Mon wrote:<blockquote>old</blockquote></div>').reply).toBe("<div>New text</div>");
    expect(splitHtml('<p>New</p><blockquote type="cite">old</blockquote>').reply).toBe("<p>New</p>");
    const outlook = splitHtml('<p>New</p><div id="appendonsend"></div><hr><div id="divRplyFwdMsg">From: x</div><p>old</p>');
    expect(outlook.reply).toBe("<p>New</p>");
    expect(outlook.quoted).toContain("old");
    expect(splitHtml('<div class="gmail_quote">forwarded only</div>').reply).toContain("forwarded only");
  });
});

describe("addresses and Message-IDs", () => {
  test("Message-IDs lose their brackets; In-Reply-To / References lists are split", () => {
    expect(normalizeMessageId(" <abc@x.test> ")).toBe("abc@x.test");
    expect(messageIdList("<a@x> <b@y>\r\n <c@z>")).toEqual(["a@x", "b@y", "c@z"]);
    expect(messageIdList(["<a@x>", "<a@x>"])).toEqual(["a@x"]);
  });

  test("reply addresses and our Message-IDs carry the conversation uuid", () => {
    expect(replyAddress(UUID, { receiverDomain: "in.parley.test" })).toBe(`reply+${UUID}@in.parley.test`);
    expect(replyAddress(UUID, { inboxAddress: "Support@Acme.test" })).toBe(`Support+${UUID}@acme.test`);
    expect(conversationUuidOfAddress(`reply+${UUID.toUpperCase()}@in.parley.test`)).toBe(UUID);
    expect(conversationUuidOfAddress("reply@in.parley.test")).toBeNull();
    expect(conversationUuidOfMessageId(`conversation/${UUID}/messages/12@acme.test`)).toBe(UUID);
    expect(conversationUuidOfMessageId(`account/3/conversation/${UUID}@acme.test`)).toBe(UUID);
    expect(conversationUuidOfMessageId("random@acme.test")).toBeNull();
    expect(replySubject("Printer")).toBe("Re: Printer");
    expect(replySubject("RE: Printer")).toBe("RE: Printer");
  });
});
