import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { startReceiver } from "../testing/receiver.ts";
import { checkDestination, classifyHostLiteral, classifyIp, OutboundError, outboundFetch, parseRetryAfter, type Resolver } from "./http.ts";

describe("classifyIp", () => {
  const cases: [string, "public" | "private" | "forbidden"][] = [
    ["169.254.169.254", "forbidden"],
    ["169.254.0.1", "forbidden"],
    ["100.100.100.200", "forbidden"],
    ["168.63.129.16", "forbidden"],
    ["224.0.0.1", "forbidden"],
    ["255.255.255.255", "forbidden"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.254", "private"],
    ["192.168.1.10", "private"],
    ["127.0.0.1", "private"],
    ["127.8.9.10", "private"],
    ["100.64.0.1", "private"],
    ["100.127.255.255", "private"],
    ["0.0.0.0", "private"],
    ["172.15.255.255", "public"],
    ["172.32.0.1", "public"],
    ["100.128.0.1", "public"],
    ["169.253.255.255", "public"],
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["::1", "private"],
    ["::", "private"],
    ["[::1]", "private"],
    ["fe80::1", "forbidden"],
    ["febf::1", "forbidden"],
    ["ff02::1", "forbidden"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fd00:ec2::254", "forbidden"],
    ["::ffff:169.254.169.254", "forbidden"],
    ["::ffff:a9fe:a9fe", "forbidden"],
    ["0:0:0:0:0:ffff:a9fe:a9fe", "forbidden"],
    ["::ffff:127.0.0.1", "private"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::169.254.169.254", "forbidden"],
    ["::ffff:0:a9fe:a9fe", "forbidden"],
    ["::ffff:0:127.0.0.1", "private"],
    ["2002:a9fe:a9fe::1", "forbidden"],
    ["2002:0a00:0001::1", "private"],
    ["2001:4860:4860::8888", "public"],
    ["2606:4700::1111", "public"],
  ];
  for (const [ip, expected] of cases) {
    test(`${ip} is ${expected}`, () => {
      expect(classifyIp(ip)?.class).toBe(expected);
    });
  }

  test("names are not IP addresses", () => {
    expect(classifyIp("example.com")).toBeNull();
    expect(classifyIp("localhost")).toBeNull();
    expect(classifyIp("1.2.3")).toBeNull();
  });
});

describe("classifyHostLiteral", () => {
  test("localhost and *.localhost are loopback without asking DNS", () => {
    for (const h of ["localhost", "LOCALHOST", "localhost.", "api.localhost"]) {
      expect(classifyHostLiteral(h)).toMatchObject({ class: "private" });
    }
  });
  test("other names need resolving", () => {
    expect(classifyHostLiteral("example.com")).toBeNull();
    expect(classifyHostLiteral("localhost.example.com")).toBeNull();
  });
  test("IP literals are classified", () => {
    expect(classifyHostLiteral("169.254.169.254")).toMatchObject({ class: "forbidden" });
  });
});

const table =
  (entries: Record<string, string[]>): Resolver =>
  async (host) => {
    const found = entries[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

async function rejection(p: Promise<unknown>): Promise<OutboundError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(OutboundError);
    return err as OutboundError;
  }
  throw new Error("expected a rejection");
}

describe("checkDestination", () => {
  test("link-local / metadata addresses are blocked even when private targets are allowed, in any spelling", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://2852039166/",
      "http://0xA9FEA9FE/",
      "http://0251.0376.0251.0376/",
      "http://[::ffff:169.254.169.254]/",
      "http://[fe80::1]/",
      "https://[fd00:ec2::254]/",
    ]) {
      const err = await rejection(checkDestination(url, { allowPrivate: true }));
      expect(err.kind).toBe("blocked");
      expect(err.message).toContain("destination blocked");
    }
  });

  test("private and loopback targets are blocked unless allowed", async () => {
    for (const url of ["http://127.0.0.1:3000/", "http://localhost/", "http://10.0.0.5/", "http://[::1]:8080/", "http://0.0.0.0/", "http://192.168.0.1/"]) {
      const err = await rejection(checkDestination(url, { allowPrivate: false }));
      expect(err.kind).toBe("blocked");
      expect(err.message).toContain("PARLEY_WEBHOOK_BLOCK_PRIVATE");
      expect((await checkDestination(url, { allowPrivate: true })).addresses.length).toBe(1);
    }
  });

  test("only http and https", async () => {
    for (const url of ["ftp://example.com/", "file:///etc/passwd", "gopher://127.0.0.1:25/", "javascript:alert(1)", "not a url", ""]) {
      expect((await rejection(checkDestination(url, { allowPrivate: true }))).kind).toBe("invalid_url");
    }
  });

  test("every resolved address is checked: one bad address blocks the name", async () => {
    const resolve = table({
      "public.example.test": ["93.184.216.34", "2606:2800:220:1::1"],
      "mixed.example.test": ["93.184.216.34", "10.1.2.3"],
      "metadata.example.test": ["169.254.169.254"],
      "mapped.example.test": ["::ffff:169.254.169.254"],
    });
    expect(await checkDestination("https://public.example.test/hook", { allowPrivate: false, resolve })).toMatchObject({
      addresses: ["93.184.216.34", "2606:2800:220:1::1"],
    });
    expect((await rejection(checkDestination("https://mixed.example.test/", { allowPrivate: false, resolve }))).message).toContain("10.1.2.3");
    expect((await checkDestination("https://mixed.example.test/", { allowPrivate: true, resolve })).addresses).toContain("10.1.2.3");
    for (const host of ["metadata.example.test", "mapped.example.test"]) {
      expect((await rejection(checkDestination(`http://${host}/`, { allowPrivate: true, resolve }))).kind).toBe("blocked");
    }
    expect((await rejection(checkDestination("http://nowhere.example.test/", { allowPrivate: true, resolve }))).kind).toBe("network");
  });
});

describe("outboundFetch", () => {
  const receiver = startReceiver();
  afterAll(() => receiver.close());
  beforeEach(() => receiver.reset());

  test("sends method, headers and body; returns status, headers and body", async () => {
    receiver.replyNext(() => new Response("created!", { status: 201, headers: { "x-answer": "42" } }));
    const res = await outboundFetch(`${receiver.url}/hook?a=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-custom": "yes" },
      body: '{"hello":"world"}',
      allowPrivate: true,
    });
    expect(res).toMatchObject({ status: 201, ok: true, body: "created!", truncated: false, redirects: [] });
    expect(res.headers.get("x-answer")).toBe("42");
    const [got] = receiver.requests;
    expect(got).toMatchObject({ method: "POST", path: "/hook?a=1", body: '{"hello":"world"}' });
    expect(got.headers["x-custom"]).toBe("yes");
    expect(got.headers.host).toBe(`127.0.0.1:${receiver.port}`);
  });

  test("refuses a loopback receiver when private targets are not allowed, without sending anything", async () => {
    const err = await rejection(outboundFetch(`${receiver.url}/hook`, { method: "POST", body: "x", allowPrivate: false }));
    expect(err.kind).toBe("blocked");
    expect(receiver.requests.length).toBe(0);
  });

  test("connects to the address that was checked, keeping the name in the Host header", async () => {
    // The system resolver does not know this name: the request can only arrive through the pinned address.
    const resolve = table({ "hooks.parley.test": ["127.0.0.1"] });
    const res = await outboundFetch(`http://hooks.parley.test:${receiver.port}/pinned`, { allowPrivate: true, resolve });
    expect(res.status).toBe(200);
    expect(receiver.requests[0].headers.host).toBe(`hooks.parley.test:${receiver.port}`);
    expect(res.url).toBe(`http://hooks.parley.test:${receiver.port}/pinned`);
  });

  test("follows redirects by hand; 302 after POST continues as GET, 307 keeps method and body", async () => {
    receiver.route("/a", () => new Response(null, { status: 302, headers: { location: "/b" } }));
    receiver.route("/b", () => new Response(null, { status: 307, headers: { location: `${receiver.url}/c` } }));
    receiver.route("/c", () => new Response("done"));
    const res = await outboundFetch(`${receiver.url}/a`, { method: "POST", body: "payload", headers: { "content-type": "text/plain" }, allowPrivate: true });
    expect(res).toMatchObject({ status: 200, body: "done", url: `${receiver.url}/c`, redirects: [`${receiver.url}/b`, `${receiver.url}/c`] });
    expect(receiver.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", "/a", "payload"],
      ["GET", "/b", ""],
      ["GET", "/c", ""],
    ]);

    receiver.reset();
    receiver.route("/d", () => new Response(null, { status: 307, headers: { location: "/e" } }));
    await outboundFetch(`${receiver.url}/d`, { method: "POST", body: "kept", allowPrivate: true });
    expect(receiver.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", "/d", "kept"],
      ["POST", "/e", "kept"],
    ]);
  });

  test("a redirect to a metadata address is blocked before it is followed", async () => {
    receiver.route("/evil", () => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/iam" } }));
    const err = await rejection(outboundFetch(`${receiver.url}/evil`, { allowPrivate: true }));
    expect(err.kind).toBe("blocked");
    expect(err.message).toContain("169.254.169.254");
    expect(receiver.requests.length).toBe(1);
  });

  test("at most maxRedirects hops", async () => {
    receiver.route("/loop", () => new Response(null, { status: 301, headers: { location: "/loop" } }));
    const err = await rejection(outboundFetch(`${receiver.url}/loop`, { allowPrivate: true }));
    expect(err.kind).toBe("redirect");
    expect(receiver.requests.length).toBe(4); // the first request and 3 redirects
  });

  test("times out when the server does not answer", async () => {
    receiver.hangNext();
    const started = Date.now();
    const err = await rejection(outboundFetch(`${receiver.url}/slow`, { allowPrivate: true, timeoutMs: 300 }));
    expect(err.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test("reads at most maxResponseBytes of the answer", async () => {
    receiver.replyNext(() => new Response("x".repeat(200_000)));
    const res = await outboundFetch(receiver.url, { allowPrivate: true, maxResponseBytes: 1_000 });
    expect(res.body.length).toBe(1_000);
    expect(res.truncated).toBe(true);

    receiver.replyNext(() => new Response("y".repeat(1_000)));
    const exact = await outboundFetch(receiver.url, { allowPrivate: true, maxResponseBytes: 1_000 });
    expect(exact).toMatchObject({ truncated: false });
    expect(exact.body.length).toBe(1_000);
  });

  test("a closed port is a network error", async () => {
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const port = probe.port;
    await probe.stop(true);
    const err = await rejection(outboundFetch(`http://127.0.0.1:${port}/`, { allowPrivate: true, timeoutMs: 2_000 }));
    expect(err.kind).toBe("network");
  });
});

test("parseRetryAfter: seconds or an HTTP date", () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  expect(parseRetryAfter("120", now)).toBe(120_000);
  expect(parseRetryAfter("0", now)).toBe(0);
  expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
  expect(parseRetryAfter(new Date(now - 90_000).toUTCString(), now)).toBe(0);
  expect(parseRetryAfter("soon", now)).toBeNull();
  expect(parseRetryAfter(null, now)).toBeNull();
});

describe("configuration", () => {
  const base = { PARLEY_SECRET_KEY: "s".repeat(40), PARLEY_DATA_DIR: "/tmp/parley-config-test-unused" };
  test("PARLEY_WEBHOOK_BLOCK_PRIVATE is off (private targets allowed) unless set to true", async () => {
    const { loadConfig, ConfigError } = await import("../config.ts");
    expect(loadConfig(base).webhookBlockPrivate).toBe(false);
    expect(loadConfig({ ...base, PARLEY_WEBHOOK_BLOCK_PRIVATE: "" }).webhookBlockPrivate).toBe(false);
    expect(loadConfig({ ...base, PARLEY_WEBHOOK_BLOCK_PRIVATE: "false" }).webhookBlockPrivate).toBe(false);
    expect(loadConfig({ ...base, PARLEY_WEBHOOK_BLOCK_PRIVATE: "true" }).webhookBlockPrivate).toBe(true);
    expect(loadConfig({ ...base, PARLEY_WEBHOOK_BLOCK_PRIVATE: "1" }).webhookBlockPrivate).toBe(true);
    expect(() => loadConfig({ ...base, PARLEY_WEBHOOK_BLOCK_PRIVATE: "yes please" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, PARLEY_WEBHOOK_BLOCK_PRIVATE: "yes please" })).toThrow("PARLEY_WEBHOOK_BLOCK_PRIVATE");
  });
  test("PARLEY_WEBHOOK_LOG_RETENTION_DAYS defaults to 14", async () => {
    const { loadConfig, ConfigError } = await import("../config.ts");
    expect(loadConfig(base).webhookLogRetentionDays).toBe(14);
    expect(loadConfig({ ...base, PARLEY_WEBHOOK_LOG_RETENTION_DAYS: "3" }).webhookLogRetentionDays).toBe(3);
    expect(() => loadConfig({ ...base, PARLEY_WEBHOOK_LOG_RETENTION_DAYS: "0" })).toThrow(ConfigError);
  });
  test("PARLEY_WEBHOOK_TIMEOUT_MS defaults to 10 s", async () => {
    const { loadConfig } = await import("../config.ts");
    expect(loadConfig(base).webhookTimeoutMs).toBe(10_000);
    expect(loadConfig({ ...base, PARLEY_WEBHOOK_TIMEOUT_MS: "2500" }).webhookTimeoutMs).toBe(2_500);
    expect(() => loadConfig({ ...base, PARLEY_WEBHOOK_TIMEOUT_MS: "0" })).toThrow("PARLEY_WEBHOOK_TIMEOUT_MS");
  });
});

describe("https through a pinned address", () => {
  test("the certificate is checked against the URL's name, not the address connected to", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "parley-tls-"));
    try {
      const gen = Bun.spawnSync(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=hooks.parley.test", "-addext", "subjectAltName=DNS:hooks.parley.test"],
        { cwd: dir, stderr: "pipe" },
      );
      expect(gen.exitCode).toBe(0);
      // A child process trusts the self-signed certificate (NODE_EXTRA_CA_CERTS is read at start-up).
      writeFileSync(
        join(dir, "child.ts"),
        `import { outboundFetch } from ${JSON.stringify(join(import.meta.dir, "http.ts"))};
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: Bun.file("cert.pem"), key: Bun.file("key.pem") },
  fetch: (req) => new Response(req.headers.get("host")) });
const resolve = async () => [{ address: "127.0.0.1", family: 4 }];
const out = [];
for (const host of ["hooks.parley.test", "other.parley.test"]) {
  try { const r = await outboundFetch("https://" + host + ":" + server.port + "/x", { allowPrivate: true, resolve }); out.push("ok " + r.body.split(":")[0]); }
  catch (e) { out.push(e.kind); }
}
console.log(JSON.stringify(out));
server.stop(true);
`,
      );
      const child = Bun.spawnSync([process.execPath, "child.ts"], { cwd: dir, env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") }, stderr: "pipe" });
      expect(child.stderr.toString()).toBe("");
      // The right name verifies (and is sent as Host); a name the certificate does not cover is refused.
      expect(JSON.parse(child.stdout.toString())).toEqual(["ok hooks.parley.test", "network"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
