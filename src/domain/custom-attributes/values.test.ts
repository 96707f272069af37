import { describe, expect, test } from "bun:test";
import type { DefinitionRow } from "./definitions.ts";
import { checkValue } from "./values.ts";

const def = (attribute_display_type: DefinitionRow["attribute_display_type"], extra: Partial<DefinitionRow> = {}): DefinitionRow => ({
  id: 1,
  account_id: 1,
  attribute_display_name: "X",
  attribute_key: "x",
  attribute_model: "contact_attribute",
  attribute_display_type,
  attribute_description: null,
  attribute_values: [],
  regex_pattern: null,
  regex_cue: null,
  default_value: null,
  position: 10,
  created_at: 0,
  updated_at: 0,
  ...extra,
});

describe("checkValue", () => {
  test("each type accepts its values, normalized, and refuses others", () => {
    const cases: [DefinitionRow, unknown, unknown | Error][] = [
      [def("number"), "12.5", 12.5],
      [def("currency"), -3, -3],
      [def("percent"), "1e3", new Error()],
      [def("number"), Number.NaN, new Error()],
      [def("checkbox"), "false", false],
      [def("checkbox"), 1, true],
      [def("checkbox"), "yes", new Error()],
      [def("date"), "2026-02-28", "2026-02-28"],
      [def("date"), "2026-02-28T10:00:00Z", "2026-02-28T10:00:00Z"],
      [def("date"), "2026-02-30x", new Error()],
      [def("date"), 20260228, new Error()],
      [def("link"), " https://example.com/a ", "https://example.com/a"],
      [def("link"), "ftp://example.com", new Error()],
      [def("link"), "example.com", new Error()],
      [def("list", { attribute_values: ["a", "b"] }), "b", "b"],
      [def("list", { attribute_values: ["a", "b"] }), "c", new Error()],
      [def("text"), 42, "42"],
      [def("text"), { nested: true }, new Error()],
      [def("text", { regex_pattern: "^[A-Z]{3}$", regex_cue: "Three capitals" }), "ABC", "ABC"],
      [def("text", { regex_pattern: "/^abc$/i" }), "ABC", "ABC"],
      [def("text", { regex_pattern: "^[A-Z]{3}$" }), "A".repeat(1001), new Error()],
      [def("number"), null, null],
      [def("list", { attribute_values: ["a"] }), "", ""],
    ];
    for (const [d, input, expected] of cases) {
      const result = checkValue(d, input);
      if (expected instanceof Error) expect({ type: d.attribute_display_type, input, ok: result.ok }).toEqual({ type: d.attribute_display_type, input, ok: false });
      else expect({ type: d.attribute_display_type, input, result }).toEqual({ type: d.attribute_display_type, input, result: { ok: true, value: expected } });
    }
  });

  test("a pattern's refusal carries its cue", () => {
    expect(checkValue(def("text", { regex_pattern: "^\\d+$", regex_cue: "Digits only" }), "12a")).toEqual({ ok: false, message: "Digits only" });
    expect(checkValue(def("text", { regex_pattern: "^\\d+$" }), "12a")).toEqual({ ok: false, message: "does not match the pattern ^\\d+$" });
  });
});
