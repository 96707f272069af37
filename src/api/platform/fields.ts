import { z } from "zod";

/** Field schemas shared by the Platform API routes, with Chatwoot-style messages. */

const message = (expected: string) => (issue: { input: unknown }) => (issue.input === undefined ? "can't be blank" : `must be ${expected}`);

export const requiredString = (max: number) => z.string({ error: message("a string") }).max(max);

/** A record id in a body: a positive integer, or its decimal string (form posts). */
export const bodyId = z.preprocess(
  (v) => (typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : v),
  z.number({ error: message("an integer") }).int("must be an integer").positive("must be positive"),
);

export const jsonObject = z.record(z.string(), z.unknown(), { error: "must be an object" });
