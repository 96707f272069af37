import { z } from "zod";

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** An http(s) URL given by a client; empty or null means "none" (null). */
export function optionalHttpUrl(max = 2048) {
  return z
    .union([z.string({ error: "must be a string" }).max(max, `is too long (maximum is ${max} characters)`), z.null()])
    .transform((v, ctx) => {
      const value = v?.trim() ?? "";
      if (!value) return null;
      if (!isHttpUrl(value)) {
        ctx.addIssue({ code: "custom", message: "must be an http or https URL" });
        return z.NEVER;
      }
      return value;
    });
}
