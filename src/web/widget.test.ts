// Serving the website live chat: the SDK at Chatwoot's fixed URL, the framed /widget page and its assets.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { createAdmin, startTestServer, type TestServer } from "../testing/server.ts";
import { frameAncestors, widgetAssetUrls, widgetBudget } from "./widget.tsx";

let server: TestServer;
let admin: Awaited<ReturnType<typeof createAdmin>>;
let token = "";

async function createWebsiteInbox(channel: Record<string, unknown> = {}) {
  const res = await server.api(`/api/v1/accounts/${admin.account.id}/inboxes`, {
    token: admin.token,
    method: "POST",
    json: { name: "Website", channel: { type: "web_widget", website_url: "https://shop.example", ...channel } },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: number; website_token: string };
}

beforeAll(async () => {
  server = startTestServer();
  admin = await createAdmin(server);
  token = (await createWebsiteInbox()).website_token;
});
afterAll(() => server.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers, decompress: false } as RequestInit);

test("sdk.js: JavaScript with a short max-age and an ETag that answers 304, gzipped when asked", async () => {
  const plain = await get("/packs/js/sdk.js", { "Accept-Encoding": "identity" });
  expect(plain.status).toBe(200);
  expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(plain.headers.get("cache-control")).toBe("public, max-age=300, must-revalidate");
  expect(plain.headers.get("content-encoding")).toBeNull();
  const body = await plain.text();
  expect(body).toContain("window.chatwootSDK");
  const etag = plain.headers.get("etag")!;
  expect(etag).toMatch(/^"[0-9a-f]{20}"$/);

  const again = await get("/packs/js/sdk.js", { "If-None-Match": etag });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe("");
  expect((await get("/packs/js/sdk.js", { "If-None-Match": '"other"' })).status).toBe(200);

  const gz = await get("/packs/js/sdk.js", { "Accept-Encoding": "gzip, br" });
  expect(gz.headers.get("content-encoding")).toBe("gzip");
  expect(new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await gz.arrayBuffer())))).toBe(body);
});

test("/widget may be framed by any site, runs under a strict CSP and links only same-origin hashed assets", async () => {
  const res = await get(`/widget?website_token=${token}`, { "Accept-Encoding": "identity" });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("x-frame-options")).toBeNull();
  const csp = res.headers.get("content-security-policy")!;
  expect(csp).toContain("frame-ancestors *");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  const html = await res.text();
  expect(html.startsWith("<!doctype html>")).toBe(true);
  // the only script with content is the JSON data block (not executed, so the CSP needs no exception for it)
  const data = /<script type="application\/json" id="boot">([^<]*)<\/script>/.exec(html);
  expect(data).not.toBeNull();
  expect(html.replace(data![0], "")).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|style=|<style/);
  expect(html).toContain(`src="${widgetAssetUrls.js}"`);
  expect(html).toContain(`href="${widgetAssetUrls.css}"`);

  for (const url of [widgetAssetUrls.js, widgetAssetUrls.css]) {
    const asset = await get(url);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  }
  expect((await get("/packs/widget/widget.000000000000.js")).status).toBe(404);
});

test("/widget: an unknown website token is a 404 page; allowed_domains narrow who may frame it", async () => {
  for (const path of ["/widget?website_token=nope", "/widget"]) {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("This chat is not available.");
  }
  const narrowed = await createWebsiteInbox({ allowed_domains: "shop.example, *.acme.test" });
  const res = await get(`/widget?website_token=${narrowed.website_token}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-security-policy")).toContain(
    "frame-ancestors 'self' https://shop.example http://shop.example https://*.acme.test http://*.acme.test",
  );
  expect(frameAncestors("")).toBe("*");
  expect(frameAncestors("bad domain; script-src *")).toBe("*");
  expect(frameAncestors("a.example:8080,")).toBe("'self' https://a.example:8080 http://a.example:8080");
});

test("size budgets: sdk.js ≤ 10 KB gzipped, the widget page with its CSS and JS ≤ 60 KB gzipped", async () => {
  const size = async (path: string) => gzipSync(Buffer.from(await (await get(path, { "Accept-Encoding": "identity" })).arrayBuffer())).byteLength;
  const sdk = await size("/packs/js/sdk.js");
  const page = (await size(`/widget?website_token=${token}`)) + (await size(widgetAssetUrls.css)) + (await size(widgetAssetUrls.js));
  console.log(`sdk.js ${sdk} B gzipped; widget page HTML+CSS+JS ${page} B gzipped (served: ${widgetBudget.sdkGzip} B, ${widgetBudget.pageGzip} B)`);
  expect(sdk).toBeLessThanOrEqual(10 * 1024);
  expect(page).toBeLessThanOrEqual(60 * 1024);
  expect(widgetBudget.sdkGzip).toBeLessThanOrEqual(10 * 1024);
  expect(widgetBudget.pageGzip).toBeLessThanOrEqual(60 * 1024);
});

test("/widget embeds what the widget needs to start: config, a session, and the returning visitor's conversation", async () => {
  const boot = async (query = "") => {
    const html = await (await get(`/widget?website_token=${token}${query}`)).text();
    const json = /<script type="application\/json" id="boot">([^<]*)<\/script>/.exec(html)![1];
    return JSON.parse(json) as any;
  };
  const first = await boot();
  expect(first.website_channel_config).toMatchObject({ website_token: token, widget_color: "#1f93ff" });
  expect(first.contact.pubsub_token).toBeString();
  expect(first.conversation).toEqual({});
  expect(first.messages).toEqual([]);
  const auth = first.website_channel_config.auth_token as string;

  // The visitor writes; markup that could end the data block stays inside the JSON string.
  const sent = await fetch(`${server.url}/api/v1/widget/messages?website_token=${token}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Auth-Token": auth },
    body: JSON.stringify({ message: { content: "</script><script>alert(1)</script> \u2028 hi" } }),
  });
  expect(sent.status).toBe(200);
  const again = await boot(`&cw_conversation=${encodeURIComponent(auth)}`);
  expect(again.contact.id).toBe(first.contact.id);
  expect(again.conversation.id).toBeGreaterThan(0);
  expect(again.messages[0].content).toBe("</script><script>alert(1)</script> \u2028 hi");

  // A forged or foreign session token starts a new anonymous visitor, as POST config does.
  const stranger = await boot("&cw_conversation=not-a-token");
  expect(stranger.contact.id).not.toBe(first.contact.id);
  expect(stranger.messages).toEqual([]);
});

test("/widget over the per-IP limit of new visitors: the page still loads, without data (its POST config then shows the 429)", async () => {
  // Runs last: it spends this server's new-visitor allowance for 127.0.0.1.
  let withoutData = 0;
  for (let i = 0; i < 130 && !withoutData; i++) {
    const html = await (await get(`/widget?website_token=${token}`)).text();
    if (html.includes('<script type="application/json" id="boot">null</script>')) withoutData = i + 1;
  }
  expect(withoutData).toBeGreaterThan(1);
  const config = await fetch(`${server.url}/api/v1/widget/config?website_token=${token}`, { method: "POST" });
  expect(config.status).toBe(429);
});
