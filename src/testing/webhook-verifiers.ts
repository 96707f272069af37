// The verification code of the help-center article "How to use webhooks?", run as the receiver would run it:
// Python 3 and Node.js in their own processes, reading the raw body as bytes.
const PYTHON = `
import hmac
import hashlib
import sys

def verify_signature(raw_body: bytes, timestamp: str, received_signature: str, secret: str) -> bool:
    message = f"{timestamp}.".encode() + raw_body
    expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received_signature)

raw_body = sys.stdin.buffer.read()
print("valid" if verify_signature(raw_body, sys.argv[1], sys.argv[2], sys.argv[3]) else "invalid")
`;

const NODE = `
const crypto = require("crypto");
function verifySignature(rawBody, timestamp, receivedSignature, secret) {
  const message = \`\${timestamp}.\${rawBody}\`;
  const expected = "sha256=" + crypto.createHmac("sha256", secret).update(message).digest("hex");
  return crypto.timingSafeEqual(
    Buffer.from(expected),
    Buffer.from(receivedSignature)
  );
}
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const rawBody = Buffer.concat(chunks);
  let ok = false;
  try { ok = verifySignature(rawBody, process.argv[1], process.argv[2], process.argv[3]); } catch { ok = false; }
  console.log(ok ? "valid" : "invalid");
});
`;

async function run(cmd: string[], rawBody: Uint8Array): Promise<boolean> {
  const p = Bun.spawn(cmd, { stdin: new Blob([rawBody as Uint8Array<ArrayBuffer>]), stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([p.exited, new Response(p.stdout).text(), new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`${cmd[0]} exited ${code}: ${err}`);
  return out.trim() === "valid";
}

export function verifyWithArticlePython(rawBody: Uint8Array, timestamp: string, signature: string, secret: string): Promise<boolean> {
  return run(["python3", "-c", PYTHON, timestamp, signature, secret], rawBody);
}

export function verifyWithArticleNode(rawBody: Uint8Array, timestamp: string, signature: string, secret: string): Promise<boolean> {
  return run(["node", "-e", NODE, timestamp, signature, secret], rawBody);
}
