import { z } from "zod";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomToken } from "./lib/ids.ts";

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PARLEY_DATA_DIR: z.string().min(1).default("./data"),
  PARLEY_PUBLIC_URL: z.string().url().optional(),
  PARLEY_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  PARLEY_PLATFORM_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  PARLEY_SMTP_URL: z.string().url().optional(),
  PARLEY_MAIL_FROM: z.string().min(3).default("Parley <no-reply@localhost>"),
  PARLEY_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  PARLEY_MAX_JSON_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  PARLEY_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  PARLEY_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  PARLEY_WEBHOOK_BLOCK_PRIVATE: z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  PARLEY_WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  PARLEY_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  PARLEY_WHATSAPP_API_URL: z.string().url().default("https://graph.facebook.com"),
  PARLEY_TELEGRAM_API_URL: z.string().url().default("https://api.telegram.org"),
  PARLEY_WHATSAPP_APP_ID: z.string().regex(/^\d{1,32}$/, "must be the numeric Meta app id").optional(),
  PARLEY_WHATSAPP_APP_SECRET: z.string().min(8, "must be at least 8 characters").optional(),
  PARLEY_WHATSAPP_CONFIGURATION_ID: z.string().regex(/^\d{1,32}$/, "must be the numeric Embedded Signup configuration id").optional(),
  PARLEY_SMTP_RECEIVER_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PARLEY_SMTP_RECEIVER_HOST: z.string().min(1).default("0.0.0.0"),
  PARLEY_INBOUND_EMAIL_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]+$/, "must be a domain name").optional(),
  PARLEY_IMAP_POLL_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
  PARLEY_EMAIL_CONTINUITY_DELAY_SECONDS: z.coerce.number().min(0).max(86_400).default(120),
  PARLEY_PUBLIC_API_RATE_LIMITS: z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .default("true")
    .transform((v) => v === "true" || v === "1"),
});

export type Config = Readonly<{
  port: number;
  dataDir: string;
  dbPath: string;
  publicUrl: string;
  secretKey: string;
  platformToken: string | null;
  smtpUrl: string | null;
  mailFrom: string;
  logLevel: (typeof LOG_LEVELS)[number];
  maxJsonBytes: number;
  maxUploadBytes: number;
  jobConcurrency: number;
  /** Outbound HTTP (webhooks, callbacks, bots) refuses private, loopback and CGNAT addresses. Off by default (self-hosters
   * run receivers next door); link-local and cloud metadata stay blocked either way. */
  webhookBlockPrivate: boolean;
  /** Days the webhook delivery log (deliveries and their attempts) is kept. */
  webhookLogRetentionDays: number;
  /** Deadline for one webhook / callback delivery attempt. */
  webhookTimeoutMs: number;
  /** Cookies get the Secure flag when the public URL is https. */
  secureCookies: boolean;
  /** Per-IP limits of the public client API (on by default; load tests from one address turn them off). */
  publicApiRateLimits: boolean;
  /** The built-in SMTP receiver (email inboxes by forwarding, replies to reply+{uuid}@ addresses) listens here when set. */
  smtpReceiverPort: number | null;
  smtpReceiverHost: string;
  /** The domain of forwarding addresses and conversation reply addresses (default: the public URL's host name). */
  inboundEmailDomain: string;
  /** How often an IMAP mailbox without IDLE is polled (and how long a failed connection waits before retrying). */
  imapPollMs: number;
  /** How long after an agent's reply a website visitor who is away gets it by email (conversation continuity). */
  emailContinuityDelayMs: number;
  /** Base URL of Meta's Graph API (the WhatsApp Cloud API channel); tests point it at a local fake. */
  whatsappApiUrl: string;
  /** Base URL of Telegram's Bot API (the Telegram channel); tests point it at a local fake. */
  telegramApiUrl: string;
  /** Meta app of WhatsApp Embedded Signup (with whatsappConfigurationId); its secret also verifies webhook signatures. */
  whatsappAppId: string | null;
  whatsappAppSecret: string | null;
  whatsappConfigurationId: string | null;
}>;

export class ConfigError extends Error {}

/** Reads the environment once; nothing else in Parley reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.PARLEY_DATA_DIR);
  const publicUrl = (e.PARLEY_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return Object.freeze({
    port: e.PORT,
    dataDir,
    dbPath: join(dataDir, "parley.db"),
    publicUrl,
    secretKey: e.PARLEY_SECRET_KEY ?? readOrCreateSecret(dataDir),
    platformToken: e.PARLEY_PLATFORM_TOKEN ?? null,
    smtpUrl: e.PARLEY_SMTP_URL ?? null,
    mailFrom: e.PARLEY_MAIL_FROM,
    logLevel: e.PARLEY_LOG_LEVEL,
    maxJsonBytes: e.PARLEY_MAX_JSON_BYTES,
    maxUploadBytes: e.PARLEY_MAX_UPLOAD_BYTES,
    jobConcurrency: e.PARLEY_JOB_CONCURRENCY,
    webhookBlockPrivate: e.PARLEY_WEBHOOK_BLOCK_PRIVATE,
    webhookLogRetentionDays: e.PARLEY_WEBHOOK_LOG_RETENTION_DAYS,
    webhookTimeoutMs: e.PARLEY_WEBHOOK_TIMEOUT_MS,
    secureCookies: publicUrl.startsWith("https://"),
    publicApiRateLimits: e.PARLEY_PUBLIC_API_RATE_LIMITS,
    smtpReceiverPort: e.PARLEY_SMTP_RECEIVER_PORT ?? null,
    smtpReceiverHost: e.PARLEY_SMTP_RECEIVER_HOST,
    inboundEmailDomain: (e.PARLEY_INBOUND_EMAIL_DOMAIN ?? new URL(publicUrl).hostname).toLowerCase(),
    imapPollMs: Math.round(e.PARLEY_IMAP_POLL_SECONDS * 1000),
    emailContinuityDelayMs: Math.round(e.PARLEY_EMAIL_CONTINUITY_DELAY_SECONDS * 1000),
    whatsappApiUrl: e.PARLEY_WHATSAPP_API_URL.replace(/\/+$/, ""),
    telegramApiUrl: e.PARLEY_TELEGRAM_API_URL.replace(/\/+$/, ""),
    whatsappAppId: e.PARLEY_WHATSAPP_APP_ID ?? null,
    whatsappAppSecret: e.PARLEY_WHATSAPP_APP_SECRET ?? null,
    whatsappConfigurationId: e.PARLEY_WHATSAPP_CONFIGURATION_ID ?? null,
  });
}

/** The generated secret lives beside the database so that sessions and signed links survive restarts. */
function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, "secret.key");
  mkdirSync(dataDir, { recursive: true });
  try {
    // Written to a private temp file and linked into place: a process starting at the same moment either
    // wins the link or reads the winner's complete file, never a half-written one.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, randomToken(48) + "\n", { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new ConfigError(`${file} holds no usable secret; delete it or set PARLEY_SECRET_KEY`);
  return secret;
}
