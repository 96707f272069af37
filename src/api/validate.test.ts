import { describe, expect, test } from "bun:test";
import { nestFormKeys } from "./validate.ts";

describe("nestFormKeys", () => {
  test("turns Rails-style form keys into nested objects and arrays", () => {
    expect(
      nestFormKeys({ "profile[name]": "Ada", "profile[ui][theme]": "dark", "labels[]": ["a", "b"], "ids[]": "1", plain: "p" }),
    ).toEqual({ profile: { name: "Ada", ui: { theme: "dark" } }, labels: ["a", "b"], ids: ["1"], plain: "p" });
  });

  test("a later nested key does not descend into a plain value", () => {
    expect(nestFormKeys({ a: "x", "a[b]": "y" })).toEqual({ a: { b: "y" } });
  });
});
