import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { openDatabase } from "./client.ts";
import { opaqueParameters } from "./opaque-parameters.ts";

describe("opaqueParameters", () => {
  test("writes every parameter as +parameter, outside literals, quoted names and comments", () => {
    expect(opaqueParameters("SELECT id FROM t WHERE a = ? AND b IN (?, ?2) LIMIT ?")).toBe("SELECT id FROM t WHERE a = +? AND b IN (+?, +?2) LIMIT +?");
    expect(opaqueParameters("SELECT :a, @b, $c, json_extract(x, '$.y')")).toBe("SELECT +:a, +@b, +$c, json_extract(x, '$.y')");
    expect(opaqueParameters(`SELECT 'it''s ?', "col?", \`k?\`, [w?] -- why?\n, ? /* a ? here */`)).toBe(`SELECT 'it''s ?', "col?", \`k?\`, [w?] -- why?\n, +? /* a ? here */`);
    const plain = "SELECT 1 FROM t WHERE a = 'x'";
    expect(opaqueParameters(plain)).toBe(plain);
  });

  test("a rewritten statement returns what the original does, for every type of value", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT COLLATE NOCASE, b BLOB)");
    db.prepare("INSERT INTO t (n, s, b) VALUES (?, ?, ?)").run(5, "Hello", new Uint8Array([1, 2]));
    db.prepare(opaqueParameters("INSERT INTO t (n, s, b) VALUES (?, ?, ?)")).run("6", "world", null);
    const cases: [string, unknown[]][] = [
      ["SELECT id FROM t WHERE n = ?", ["5"]],
      ["SELECT id FROM t WHERE n = ?", [6]],
      ["SELECT id FROM t WHERE s = ?", ["HELLO"]],
      ["SELECT id FROM t WHERE s LIKE ?", ["wor%"]],
      ["SELECT id FROM t WHERE b = ?", [new Uint8Array([1, 2])]],
      ["SELECT id FROM t WHERE b IS ?", [null]],
      ["SELECT id FROM t ORDER BY id LIMIT ? OFFSET ?", [1, 1]],
      ["SELECT typeof(?) AS a, typeof(?) AS b, typeof(?) AS c", [1, "1", 1.5]],
    ];
    for (const [sql, args] of cases) expect(db.prepare(opaqueParameters(sql)).all(...(args as []))).toEqual(db.prepare(sql).all(...(args as [])));
    db.close();
  });

  test("the app's connection prepares and queries with opaque parameters", () => {
    const db = openDatabase(":memory:");
    db.$client.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    db.$client.prepare("INSERT INTO t (v) VALUES (?)").run("a");
    expect(db.$client.query<{ v: string }, [number]>("SELECT v FROM t WHERE id = ?").get(1)?.v).toBe("a");
    expect(db.$client.prepare("SELECT v FROM t WHERE id = ?").toString()).toContain("= +");
    expect(db.$client.query("SELECT v FROM t WHERE id = ?").toString()).toContain("= +");
  });
});
