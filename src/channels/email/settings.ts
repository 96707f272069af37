import { z } from "zod";
import type { ChannelRow } from "../registry.ts";
import { isEmailAddress } from "./addresses.ts";

/**
 * Settings of an email inbox (Chatwoot's Channel::Email columns). Either Parley reads the mailbox over IMAP and
 * sends through the inbox's SMTP server, or the mailbox forwards to the inbox's Parley address (`forward_to_email`,
 * received by the built-in SMTP receiver) and replies go out through the app's mailer (PARLEY_SMTP_URL).
 */

const bool = z.preprocess(
  (v) => (v === "true" || v === "1" || v === "on" ? true : v === "false" || v === "0" || v === "" ? false : v),
  z.boolean({ error: "must be true or false" }),
);
const text = (max: number) => z.string({ error: "must be a string" }).trim().max(max, `is too long (maximum is ${max} characters)`);
const host = text(255).refine((v) => v === "" || /^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/.test(v), "must be a host name");
const port = z.coerce.number({ error: "must be a port number" }).int("must be a port number").min(1, "must be a port number").max(65535, "must be a port number");
export const SMTP_AUTHENTICATIONS = ["plain", "login", "cram_md5"] as const;

export const emailSettings = z.object({
  email: text(254)
    .transform((v) => v.toLowerCase())
    .refine(isEmailAddress, "is not an email address")
    .optional(),
  imap_enabled: bool.optional(),
  imap_address: host.optional(),
  imap_port: port.optional(),
  imap_login: text(255).optional(),
  imap_password: z.string({ error: "must be a string" }).max(1024, "is too long").optional(),
  imap_enable_ssl: bool.optional(),
  smtp_enabled: bool.optional(),
  smtp_address: host.optional(),
  smtp_port: port.optional(),
  smtp_login: text(255).optional(),
  smtp_password: z.string({ error: "must be a string" }).max(1024, "is too long").optional(),
  smtp_domain: text(255).optional(),
  smtp_enable_ssl_tls: bool.optional(),
  smtp_enable_starttls_auto: bool.optional(),
  smtp_authentication: z.enum(SMTP_AUTHENTICATIONS, { error: `must be one of ${SMTP_AUTHENTICATIONS.join(", ")}` }).optional(),
  /** Added under every reply sent from this inbox (after the agent's own signature). */
  signature: text(10_000).nullable().optional(),
});

/** The stored configuration (channels.config): passwords are sealed (framework/secrets.ts). */
export type EmailConfig = {
  email: string;
  /** The inbox's Parley address for forwarding: `{channel identifier}@{PARLEY_INBOUND_EMAIL_DOMAIN}`. */
  forward_to_email: string;
  imap_enabled: boolean;
  imap_address: string;
  imap_port: number;
  imap_login: string;
  imap_password: string;
  imap_enable_ssl: boolean;
  smtp_enabled: boolean;
  smtp_address: string;
  smtp_port: number;
  smtp_login: string;
  smtp_password: string;
  smtp_domain: string;
  smtp_enable_ssl_tls: boolean;
  smtp_enable_starttls_auto: boolean;
  smtp_authentication: (typeof SMTP_AUTHENTICATIONS)[number];
  signature: string | null;
};

/** What connect hands to the inbox transaction: the whole configuration, and the forwarding token on create. */
export type EmailSettings = z.infer<typeof emailSettings> & { stored?: EmailConfig; forward_token?: string };

export const EMAIL_DEFAULTS: Omit<EmailConfig, "email" | "forward_to_email"> = {
  imap_enabled: false,
  imap_address: "",
  imap_port: 993,
  imap_login: "",
  imap_password: "",
  imap_enable_ssl: true,
  smtp_enabled: false,
  smtp_address: "",
  smtp_port: 587,
  smtp_login: "",
  smtp_password: "",
  smtp_domain: "",
  smtp_enable_ssl_tls: false,
  smtp_enable_starttls_auto: true,
  smtp_authentication: "login",
  signature: null,
};

export function emailConfigOf(channel: Pick<ChannelRow, "config">): EmailConfig {
  const c = channel.config as Partial<EmailConfig>;
  return { ...EMAIL_DEFAULTS, email: "", forward_to_email: "", ...c } as EmailConfig;
}
