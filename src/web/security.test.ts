import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../testing/server.ts";
import { onboard, WebClient } from "./test-client.ts";

let server: TestServer;
let owner: WebClient;
let accountPath: string;

beforeAll(async () => {
  server = startTestServer();
  ({ client: owner, accountPath } = await onboard(server));
});
afterAll(() => server.close());

describe("Content-Security-Policy", () => {
  test("every dashboard page carries a nonce-based script policy without unsafe-inline or unsafe-eval", async () => {
    for (const path of ["/app/login", `${accountPath}/dashboard`, `${accountPath}/settings/profile`]) {
      const client = path === "/app/login" ? new WebClient(server) : owner;
      const { res, html } = await client.page(path);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce).toBeTruthy();
      expect(scriptSrc).toContain("'self'");
      expect(scriptSrc).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("img-src 'self' data: https:");
      // every script is an external same-origin file carrying this response's nonce; none is inline
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toContain(`nonce="${nonce}"`);
        expect(attrs).toMatch(/src="\/static\//);
        expect(body.trim()).toBe("");
      }
      expect(html).not.toMatch(/\sstyle="/);
      expect(html).not.toMatch(/\son[a-z]+="/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  test("nonces differ between responses", async () => {
    const a = (await new WebClient(server).get("/app/login")).headers.get("content-security-policy");
    const b = (await new WebClient(server).get("/app/login")).headers.get("content-security-policy");
    expect(a).not.toBe(b);
  });
});

describe("CSRF", () => {
  test("the token cookie is HttpOnly and SameSite=Lax", async () => {
    const res = await new WebClient(server).get("/app/login");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("parley_csrf="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
  });

  test("a state-changing request without the token, with a wrong token, or from another origin is refused with 403", async () => {
    const path = `${accountPath}/availability`;
    expect((await owner.post(path, { availability: "busy" }, { csrf: null })).status).toBe(403);
    expect((await owner.post(path, { availability: "busy" }, { csrf: "x".repeat(40) })).status).toBe(403);
    expect((await owner.post(path, { availability: "busy" }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await owner.post(path, { availability: "busy" }, { origin: "null" })).status).toBe(403);
    expect((await owner.post(path, { availability: "busy" }, { origin: null })).status).toBe(403);
    const htmx = await owner.post(path, { availability: "busy" }, { csrf: null, headers: { "hx-request": "true", "x-csrf-token": "nope" } });
    expect(htmx.status).toBe(403);
    expect(htmx.headers.get("hx-refresh")).toBe("true");
    const refused = await owner.post("/app/logout", {}, { csrf: "" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("This form has expired");
    // still logged in: none of the refused requests did anything
    expect((await owner.get(`${accountPath}/dashboard`)).status).toBe(200);
  });

  test("a request without the cookie is refused even when the field is present", async () => {
    const stranger = new WebClient(server);
    const res = await stranger.post("/app/login", { email: "a@example.com", password: "x" }, { csrf: owner.csrf });
    expect(res.status).toBe(403);
  });

  test("a same-origin Referer is accepted when Origin is missing, and htmx sends the token as a header", async () => {
    const path = `${accountPath}/availability`;
    const viaReferer = await owner.post(path, { availability: "online" }, { origin: null, headers: { referer: `${server.url}${accountPath}/dashboard` } });
    expect(viaReferer.status).toBe(303);
    const viaHeader = await owner.post(path, { availability: "online" }, { csrf: null, headers: { "x-csrf-token": owner.csrf, "hx-request": "true" } });
    expect(viaHeader.status).toBe(200);
  });
});

describe("static files", () => {
  test("assets are served under content-hashed URLs, cached for a year, with their types and nosniff", async () => {
    const { html } = await new WebClient(server).page("/app/login");
    const urls = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
    const expected: Record<string, string> = { css: "text/css", js: "text/javascript", svg: "image/svg+xml" };
    expect(urls.some((u) => /\/static\/app\.[0-9a-f]{12}\.css$/.test(u))).toBe(true);
    expect(urls.some((u) => /\/static\/htmx\.[0-9a-f]{12}\.js$/.test(u))).toBe(true);
    expect(urls.some((u) => /\/static\/alpine-csp\.[0-9a-f]{12}\.js$/.test(u))).toBe(true);
    for (const url of urls) {
      const res = await fetch(server.url + url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toStartWith(expected[url.split(".").pop()!]);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect((await fetch(server.url + "/static/app.000000000000.css")).status).toBe(404);
    expect((await fetch(server.url + "/static/..%2Fpackage.json")).status).toBe(404);
  });

  test("uploaded avatars are served by safe name only", async () => {
    const dir = join(server.dataDir, "uploads", "avatars");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "abc123.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    writeFileSync(join(dir, "evil.svg"), "<svg onload='alert(1)'/>");
    const ok = await fetch(server.url + "/uploads/avatars/abc123.png");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    for (const name of ["evil.svg", "missing.png", "abc123.png.html", "..%2F..%2Fparley.db", "a_b.png"]) {
      const res = await fetch(server.url + "/uploads/avatars/" + name);
      expect(res.status).toBe(404);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});
