import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { updateAccountSettings } from "../../../domain/accounts/commands.ts";
import { getAccount } from "../../../domain/accounts/queries.ts";
import { serializeAccountDetails } from "../../../domain/accounts/serialize.ts";
import { readBody } from "../../validate.ts";

const nullableText = (max: number) => z.string().trim().max(max).nullable().optional();
// Chatwoot's permitted settings and custom attributes of accounts#update, sent flat or grouped.
const settingKeys = ["auto_resolve_after", "auto_resolve_message", "auto_resolve_ignore_waiting", "audio_transcriptions", "auto_resolve_label"] as const;
const attributeKeys = ["industry", "company_size", "timezone"] as const;

const body = z
  .object({
    name: z.string().max(255).optional(),
    locale: z.string().max(20).optional(),
    domain: nullableText(100),
    support_email: nullableText(254),
    auto_resolve_duration: z.number().int().nullable().optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    custom_attributes: z.record(z.string(), z.unknown()).optional(),
    ...Object.fromEntries(settingKeys.map((k) => [k, z.unknown().optional()])),
    ...Object.fromEntries(attributeKeys.map((k) => [k, z.unknown().optional()])),
  })
  .transform((b) => {
    const pick = (keys: readonly string[], grouped: Record<string, unknown> | undefined) => {
      const out: Record<string, unknown> = { ...grouped };
      for (const k of keys) if ((b as Record<string, unknown>)[k] !== undefined) out[k] = (b as Record<string, unknown>)[k];
      return Object.keys(out).length ? out : undefined;
    };
    return {
      name: b.name,
      locale: b.locale,
      domain: b.domain === "" ? null : b.domain,
      support_email: b.support_email === "" ? null : b.support_email,
      auto_resolve_duration: b.auto_resolve_duration,
      settings: pick(settingKeys, b.settings),
      custom_attributes: pick(attributeKeys, b.custom_attributes),
    };
  });

/** /api/v1/accounts/:account_id — show for every member, update for administrators. */
export const accountDetailRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(serializeAccountDetails(getAccount(c.var.deps.db, c.var.scope.account.id))))
  .on(["PATCH", "PUT"], "/", async (c) => {
    const input = await readBody(c, body);
    return c.json(serializeAccountDetails(c.var.deps.tx((tx) => updateAccountSettings(tx, c.var.scope, input))));
  });
