import { beforeAll, describe, expect, test } from "bun:test";
import { and, asc, eq, sql } from "drizzle-orm";
import { openDatabase, type Db } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { contactFilterResource } from "../contacts/filter.ts";
import { Validation } from "../errors.ts";
import { compileFilter, type FilterResource } from "./engine.ts";

// The engine on the contacts resource, against a real (in-memory) database with the real schema.
const NOW = Date.parse("2025-06-15T10:00:00Z");
let db: Db;
let accountId: number;
let otherAccountId: number;

beforeAll(() => {
  db = openDatabase(":memory:");
  migrate(db.$client);
  const insertAccount = db.$client.query("INSERT INTO accounts (name, created_at, updated_at) VALUES (?, 0, 0) RETURNING id");
  accountId = (insertAccount.get("Acme") as { id: number }).id;
  otherAccountId = (insertAccount.get("Other") as { id: number }).id;
  const add = (account: number, name: string, extra: Partial<typeof contacts.$inferInsert> = {}) =>
    db
      .insert(contacts)
      .values({ account_id: account, name, created_at: Date.parse("2025-06-01T08:00:00Z"), updated_at: 0, ...extra })
      .run();
  add(accountId, "Ann", { email: "ann@alpha.io", custom_attributes: { tier: "gold", age: 41 }, created_at: Date.parse("2025-05-01T23:59:00Z") });
  add(accountId, "Bob", { email: "bob@beta.io", custom_attributes: { tier: "silver", age: 9 }, created_at: Date.parse("2025-05-02T00:00:00Z") });
  add(accountId, "O'Brien", { email: null, custom_attributes: {} });
  add(otherAccountId, "Ann", { email: "ann@other.io" });
});

function names(payload: unknown, resource: FilterResource = contactFilterResource): string[] {
  const where = compileFilter(resource, payload, { now: NOW });
  return db
    .select({ name: contacts.name })
    .from(contacts)
    .where(and(eq(contacts.account_id, accountId), where))
    .orderBy(asc(contacts.name))
    .all()
    .map((r) => r.name);
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof Validation) return err.errors[0]?.field;
    throw err;
  }
  return undefined;
}

const c = (attribute_key: string, filter_operator: string, values: unknown, query_operator: string | null = null, extra: object = {}) => ({
  attribute_key,
  filter_operator,
  values,
  query_operator,
  ...extra,
});

describe("compileFilter on contacts", () => {
  test("values are bound parameters, never SQL text", () => {
    const attack = "x' OR '1'='1' --";
    const where = compileFilter(contactFilterResource, [c("name", "equal_to", [attack]), c("tier", "contains", [attack], null, { attribute_model: "customer_attributes" })], { now: NOW });
    const query = db.select().from(contacts).where(where).toSQL();
    expect(query.sql).not.toContain("OR '1'='1'");
    expect(query.sql).not.toContain("tier");
    expect(query.params).toContain(attack.toLowerCase());
    expect(query.params).toContain('$."tier"');
    expect(names([c("name", "equal_to", [attack])])).toEqual([]);
    expect(names([c("name", "equal_to", ["o'brien"])])).toEqual(["O'Brien"]);
  });

  test("unknown keys, operators and query operators are 422 naming payload[i]", () => {
    expect(fieldOf(() => names([c("name", "equal_to", ["a"], "and"), c("encrypted_password", "equal_to", ["a"])]))).toBe("payload[1].attribute_key");
    expect(fieldOf(() => names([c("name) OR 1=1 --", "equal_to", ["a"])]))).toBe("payload[0].attribute_key");
    expect(fieldOf(() => names([c("tier' --", "equal_to", ["a"], null, { attribute_model: "customer_attributes" })]))).toBe("payload[0].attribute_key");
    expect(fieldOf(() => names([c("__proto__", "equal_to", ["a"])]))).toBe("payload[0].attribute_key");
    expect(fieldOf(() => names([c("name", "regexp", ["a"])]))).toBe("payload[0].filter_operator");
    expect(fieldOf(() => names([c("name", "starts_with", ["a"])]))).toBe("payload[0].filter_operator");
    expect(fieldOf(() => names([c("name", "equal_to", ["a"], "XOR"), c("name", "equal_to", ["b"])]))).toBe("payload[0].query_operator");
    expect(fieldOf(() => names([c("name", "contains", null)]))).toBe("payload[0].values");
    expect(fieldOf(() => names([]))).toBe("payload");
    expect(fieldOf(() => names({ attribute_key: "name" }))).toBe("payload");
    expect(fieldOf(() => names(Array.from({ length: 51 }, () => c("name", "equal_to", ["a"]))))).toBe("payload");
  });

  test("tenant scoping stays with the caller's WHERE: the filter never widens it", () => {
    expect(names([c("name", "equal_to", ["ann"], "or"), c("name", "not_equal_to", ["ann"])])).toEqual(["Ann", "Bob", "O'Brien"]);
  });

  test("AND binds tighter than OR; a missing query_operator means AND", () => {
    // bob OR (ann AND alpha) keeps Bob; a left-to-right reading ((bob OR ann) AND alpha) would drop him.
    expect(names([c("name", "equal_to", ["bob"], "or"), c("name", "equal_to", ["ann"], "and"), c("email", "contains", ["alpha"])])).toEqual(["Ann", "Bob"]);
    expect(names([c("name", "equal_to", ["ann"]), c("email", "contains", ["alpha"])])).toEqual(["Ann"]);
    expect(names([c("name", "equal_to", ["ann"], "and"), c("email", "contains", ["beta"], "or"), c("name", "equal_to", ["bob"])])).toEqual(["Bob"]);
  });

  test("negative operators include contacts without the attribute; LIKE wildcards are literal", () => {
    expect(names([c("email", "does_not_contain", ["alpha"])])).toEqual(["Bob", "O'Brien"]);
    expect(names([c("email", "contains", ["_"])])).toEqual([]);
    expect(names([c("email", "contains", ["%"])])).toEqual([]);
  });

  test("dates compare by UTC calendar day; days_before counts from now", () => {
    expect(names([c("created_at", "is_greater_than", ["2025-05-01"])])).toEqual(["Bob", "O'Brien"]);
    expect(names([c("created_at", "is_less_than", ["2025-05-02"])])).toEqual(["Ann"]);
    expect(names([c("created_at", "days_before", [20])])).toEqual(["Ann", "Bob"]);
    expect(fieldOf(() => names([c("created_at", "days_before", ["-3"])]))).toBe("payload[0].values");
  });

  test("custom attributes: text case-insensitive, numbers numerically", () => {
    const m = { attribute_model: "customer_attributes" };
    expect(names([c("tier", "equal_to", ["GOLD"], null, m)])).toEqual(["Ann"]);
    expect(names([c("age", "is_greater_than", ["10"], null, m)])).toEqual(["Ann"]);
    expect(names([c("age", "is_less_than", [10], null, m)])).toEqual(["Bob"]);
    expect(names([c("tier", "is_not_present", [], null, m)])).toEqual(["O'Brien"]);
    expect(fieldOf(() => names([c("tier", "equal_to", ["gold"])]))).toBe("payload[0].attribute_key");
  });

  test("a resource without custom attributes refuses them", () => {
    const plain: FilterResource = { attributes: { name: { kind: "column", expr: contacts.name, type: "text", operators: ["equal_to"] } } };
    expect(names([c("name", "equal_to", ["Ann"])], plain)).toEqual(["Ann"]);
    expect(fieldOf(() => names([c("tier", "equal_to", ["gold"], null, { attribute_model: "customer_attributes" })], plain))).toBe("payload[0].attribute_key");
  });

  test("the compiled condition is one parenthesized expression", () => {
    const where = compileFilter(contactFilterResource, [c("name", "equal_to", ["a"], "or"), c("name", "equal_to", ["b"])], { now: NOW });
    const text = db.select().from(contacts).where(and(eq(contacts.account_id, 1), where)).toSQL().sql;
    expect(text).toMatch(/"account_id" = \? and \(/i);
    expect(db.select({ n: sql<number>`count(*)` }).from(contacts).where(and(eq(contacts.account_id, otherAccountId), where)).get()?.n).toBe(0);
  });
});
