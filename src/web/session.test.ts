import { describe, expect, test } from "bun:test";
import { clientAddress } from "./session.ts";

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe("client address behind a reverse proxy", () => {
  test("a request from loopback counts under the address the proxy appended last", () => {
    expect(clientAddress("127.0.0.1", headers({ "x-forwarded-for": "203.0.113.9" }))).toBe("203.0.113.9");
    // The client may send its own X-Forwarded-For: only the proxy's last entry is believed.
    expect(clientAddress("127.0.0.1", headers({ "x-forwarded-for": "10.0.0.1, 198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientAddress("::1", headers({ "x-real-ip": "2001:db8::5" }))).toBe("2001:db8::5");
    expect(clientAddress("::ffff:127.0.0.1", headers({ "x-forwarded-for": "198.51.100.8" }))).toBe("198.51.100.8");
    expect(clientAddress("127.0.0.1", headers({}))).toBe("127.0.0.1");
  });

  test("a request from anywhere else is counted under its own address, whatever it claims", () => {
    expect(clientAddress("198.51.100.20", headers({ "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" }))).toBe("198.51.100.20");
    expect(clientAddress("10.1.2.3", headers({ "x-forwarded-for": "1.2.3.4" }))).toBe("10.1.2.3");
  });
});
