import { beforeAll, describe, expect, test } from "bun:test";
import { openDatabase, type Db } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { cannedResponses } from "../../db/schema/workspace.ts";
import { findCannedResponses, searchCannedResponses } from "./queries.ts";

// The reply box's lookup against a real in-memory database with the real schema.
let db: Db;
let accountId: number;
let otherAccountId: number;

beforeAll(() => {
  db = openDatabase(":memory:");
  migrate(db.$client);
  const insertAccount = db.$client.query("INSERT INTO accounts (name, created_at, updated_at) VALUES (?, 0, 0) RETURNING id");
  accountId = (insertAccount.get("Acme") as { id: number }).id;
  otherAccountId = (insertAccount.get("Other") as { id: number }).id;
  const add = (account: number, short_code: string, content: string) =>
    db.insert(cannedResponses).values({ account_id: account, short_code, content, created_at: 0, updated_at: 0 }).run();
  add(accountId, "refund", "We have issued your refund.");
  add(accountId, "thanks", "Thanks for the refund request, we are on it.");
  add(accountId, "greet-refund", "Hello!");
  add(accountId, "Refund-policy", "Our policy: 30 days.");
  add(accountId, "pct", "Discount of 100% today");
  add(accountId, "under_score", "with an underscore");
  add(otherAccountId, "refund-other", "Another account's refund text");
  for (let i = 0; i < 12; i++) add(accountId, `bulk${String(i).padStart(2, "0")}`, `bulk text ${i}`);
});

describe("searchCannedResponses", () => {
  test("short codes starting with the query come first, then short codes containing it, then content containing it", () => {
    const codes = searchCannedResponses(db, accountId, "refund").map((r) => r.short_code);
    expect(codes).toEqual(["Refund-policy", "refund", "greet-refund", "thanks"]);
  });

  test("matches are case-insensitive and never cross accounts", () => {
    const codes = searchCannedResponses(db, accountId, "REFUND").map((r) => r.short_code);
    expect(codes).not.toContain("refund-other");
    expect(codes).toHaveLength(4);
    expect(searchCannedResponses(db, otherAccountId, "refund").map((r) => r.short_code)).toEqual(["refund-other"]);
  });

  test("returns id, short_code and content only, at most 10", () => {
    const rows = searchCannedResponses(db, accountId, "bulk");
    expect(rows).toHaveLength(10);
    expect(Object.keys(rows[0]).sort()).toEqual(["content", "id", "short_code"]);
    expect(rows[0]).toMatchObject({ short_code: "bulk00", content: "bulk text 0" });
    expect(searchCannedResponses(db, accountId, "")).toHaveLength(10);
    expect(findCannedResponses(db, accountId, "bulk", null)).toHaveLength(12);
  });

  test("% and _ in the query are literal characters, not LIKE wildcards", () => {
    expect(searchCannedResponses(db, accountId, "%").map((r) => r.short_code)).toEqual(["pct"]);
    expect(searchCannedResponses(db, accountId, "_").map((r) => r.short_code)).toEqual(["under_score"]);
    expect(searchCannedResponses(db, accountId, "nothing-like-this")).toEqual([]);
  });
});
