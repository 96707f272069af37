import { describe, expect, test } from "bun:test";
import { verifyWithArticleNode, verifyWithArticlePython } from "../../testing/webhook-verifiers.ts";
import { verifyWebhookSignature, WEBHOOK_USER_AGENT, webhookHeaders, webhookSignature } from "./signing.ts";

const SECRET = "whsec-8f1c2b7a";
// Non-ASCII text, HTML and escaped characters: the signature covers the raw UTF-8 bytes.
const BODY = JSON.stringify({ event: "message_created", id: 7, content: "Grüße <script>alert('x')</script> \u2603 \"quoted\"\nline" });
const bytes = (s: string) => new TextEncoder().encode(s);

describe("webhook signing", () => {
  test("sha256=HMAC-SHA256(secret, '{timestamp}.{raw_body}') as hex", () => {
    // Reference value computed independently with: printf '%s' "1700000000.{}" | openssl dgst -sha256 -hmac secret
    expect(webhookSignature("secret", 1700000000, "{}")).toBe("sha256=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163");
    const sig = webhookSignature(SECRET, 1700000000, BODY);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(webhookSignature(SECRET, 1700000001, BODY)).not.toBe(sig);
    expect(webhookSignature(SECRET + "x", 1700000000, BODY)).not.toBe(sig);
    expect(webhookSignature(SECRET, 1700000000, BODY + " ")).not.toBe(sig);
  });

  test("the headers of one attempt", () => {
    const h = webhookHeaders({ body: BODY, secret: SECRET, deliveryId: "d-1", timestampSec: 1700000000 });
    expect(h).toEqual({
      "content-type": "application/json",
      "user-agent": WEBHOOK_USER_AGENT,
      "x-chatwoot-delivery": "d-1",
      "x-chatwoot-timestamp": "1700000000",
      "x-chatwoot-signature": webhookSignature(SECRET, 1700000000, BODY),
    });
    expect(WEBHOOK_USER_AGENT).toMatch(/^Parley-Webhook\/\d+\.\d+\.\d+/);
    expect(webhookHeaders({ body: BODY, secret: null, deliveryId: "d-2", timestampSec: 1 })["x-chatwoot-signature"]).toBeUndefined();
  });

  test("verifyWebhookSignature accepts the right signature only", () => {
    const sig = webhookSignature(SECRET, 1700000000, BODY);
    expect(verifyWebhookSignature(SECRET, "1700000000", BODY, sig)).toBe(true);
    expect(verifyWebhookSignature(SECRET, "1700000001", BODY, sig)).toBe(false);
    expect(verifyWebhookSignature(SECRET, "1700000000", BODY, sig.slice(0, -1) + (sig.endsWith("0") ? "1" : "0"))).toBe(false);
    expect(verifyWebhookSignature(SECRET, "1700000000", BODY, "sha256=short")).toBe(false);
  });

  test("the article's Python and Node.js verifiers accept our signature and reject a tampered one", async () => {
    const ts = "1767225600";
    const sig = webhookSignature(SECRET, ts, BODY);
    expect(await verifyWithArticlePython(bytes(BODY), ts, sig, SECRET)).toBe(true);
    expect(await verifyWithArticleNode(bytes(BODY), ts, sig, SECRET)).toBe(true);
    const tampered = bytes(BODY.replace("Grüße", "Grüsse"));
    expect(await verifyWithArticlePython(tampered, ts, sig, SECRET)).toBe(false);
    expect(await verifyWithArticleNode(tampered, ts, sig, SECRET)).toBe(false);
    expect(await verifyWithArticlePython(bytes(BODY), "1767225601", sig, SECRET)).toBe(false);
    expect(await verifyWithArticleNode(bytes(BODY), ts, sig, "wrong-secret")).toBe(false);
  }, 30_000); // six interpreter start-ups
});
