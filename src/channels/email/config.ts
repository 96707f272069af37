import type { AppDeps } from "../../deps.ts";
import { Validation } from "../../domain/errors.ts";
import { randomToken } from "../../lib/ids.ts";
import { ChannelSendError } from "../framework/provider.ts";
import { sealSecret } from "../framework/secrets.ts";
import type { ConnectContext } from "../framework/types.ts";
import type { ChannelKind } from "../registry.ts";
import { CONTINUITY_JOB, enqueueContinuityEmail, sendContinuityEmail } from "./continuity.ts";
import { checkImapLogin, imapLoginOf, superviseImap, type ImapSupervisor } from "./imap.ts";
import { EMAIL_CHANNEL_TYPE } from "./inbound.ts";
import { sendEmailReply, transportFor } from "./outbound.ts";
import { startSmtpReceiver, type SmtpReceiver } from "./receiver.ts";
import { EMAIL_DEFAULTS, emailConfigOf, emailSettings, type EmailConfig, type EmailSettings } from "./settings.ts";

/**
 * The email channel (Chatwoot's Channel::Email): see docs/channels.md, "Email". Inbound over IMAP (IDLE or polling)
 * or by forwarding to the built-in SMTP receiver; replies over the inbox's SMTP server or the app's mailer.
 * Passwords are sealed with the secret key and never returned.
 */

/** Another email inbox of the installation already uses this address (Chatwoot validates it unique). */
function addressTaken(deps: AppDeps, email: string, exceptChannelId: number | null): boolean {
  const row = deps.db.$client
    .query("SELECT id FROM channels WHERE channel_type = ?1 AND lower(json_extract(config, '$.email')) = ?2 AND id IS NOT ?3 LIMIT 1")
    .get(EMAIL_CHANNEL_TYPE, email, exceptChannelId) as { id: number } | null;
  return row !== null;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms))]);

/**
 * Create and update: the whole configuration (current values kept for keys not sent, a blank password keeps the
 * stored one), a working IMAP login and SMTP server when they are turned on (422 naming the field otherwise), the
 * passwords sealed, and on create the forwarding address.
 */
async function connectEmail(ctx: ConnectContext, s: EmailSettings): Promise<EmailSettings> {
  const { deps } = ctx;
  const current: EmailConfig | null = ctx.current ? emailConfigOf(ctx.current) : null;
  const email = s.email ?? current?.email;
  if (!email) throw Validation.field("channel.email", "can't be blank");
  if (addressTaken(deps, email, ctx.current?.id ?? null)) throw Validation.field("channel.email", "has already been taken");
  const token = current ? null : randomToken(24).toLowerCase();
  const pick = <K extends keyof EmailConfig>(key: K): EmailConfig[K] =>
    (s[key as keyof EmailSettings] as EmailConfig[K] | undefined) ?? (current ? current[key] : (EMAIL_DEFAULTS as EmailConfig)[key]);
  const password = (key: "imap_password" | "smtp_password") => (s[key] ? sealSecret(deps.config.secretKey, s[key]!) : (current?.[key] ?? ""));
  const next: EmailConfig = {
    email,
    forward_to_email: current?.forward_to_email || `${token}@${deps.config.inboundEmailDomain}`,
    imap_enabled: pick("imap_enabled"),
    imap_address: pick("imap_address"),
    imap_port: pick("imap_port"),
    imap_login: pick("imap_login"),
    imap_password: password("imap_password"),
    imap_enable_ssl: pick("imap_enable_ssl"),
    smtp_enabled: pick("smtp_enabled"),
    smtp_address: pick("smtp_address"),
    smtp_port: pick("smtp_port"),
    smtp_login: pick("smtp_login"),
    smtp_password: password("smtp_password"),
    smtp_domain: pick("smtp_domain"),
    smtp_enable_ssl_tls: pick("smtp_enable_ssl_tls"),
    smtp_enable_starttls_auto: pick("smtp_enable_starttls_auto"),
    smtp_authentication: pick("smtp_authentication"),
    signature: s.signature !== undefined ? s.signature || null : (current?.signature ?? null),
  };
  if (next.imap_enabled) {
    if (!next.imap_address) throw Validation.field("channel.imap_address", "can't be blank when IMAP is on");
    if (!next.imap_password) throw Validation.field("channel.imap_password", "can't be blank when IMAP is on");
    const imapChanged = !current || ["imap_enabled", "imap_address", "imap_port", "imap_login", "imap_password", "imap_enable_ssl"].some((k) => s[k as keyof EmailSettings] !== undefined);
    if (imapChanged) {
      const error = await checkImapLogin(imapLoginOf(deps.config.secretKey, next));
      if (error) throw Validation.field(/login failed/i.test(error) ? "channel.imap_password" : "channel.imap_address", `could not connect to the IMAP server: ${error}`);
    }
  }
  if (next.smtp_enabled) {
    if (!next.smtp_address) throw Validation.field("channel.smtp_address", "can't be blank when SMTP is on");
    const smtpChanged = !current || Object.keys(s).some((k) => k.startsWith("smtp_"));
    if (smtpChanged) {
      const transport = transportFor(deps, next)!;
      try {
        await withTimeout(transport.verify(), 20_000, "the SMTP server");
      } catch (err) {
        const e = err as { code?: string; response?: string; message?: string };
        const field = e.code === "EAUTH" ? "channel.smtp_password" : "channel.smtp_address";
        throw Validation.field(field, `could not connect to the SMTP server: ${e.response || e.message || String(err)}`);
      } finally {
        transport.close();
      }
    }
  }
  return { stored: next, forward_token: token ?? undefined };
}

/** The running services of one server: the IMAP supervisor and the SMTP receiver. */
const services = new WeakMap<AppDeps, { imap: ImapSupervisor; receiver: Promise<SmtpReceiver | null> }>();

/** The IMAP supervisor of a running server (tests wait on its watchers). */
export function emailServicesOf(deps: AppDeps) {
  return services.get(deps);
}

function startEmailServices(deps: AppDeps): () => Promise<void> {
  const imap = superviseImap(deps, Math.min(3000, deps.config.imapPollMs));
  const receiver =
    deps.config.smtpReceiverPort != null
      ? startSmtpReceiver(deps, deps.config.smtpReceiverPort, deps.config.smtpReceiverHost).catch((err) => {
          deps.log.error("SMTP receiver could not start", { err: String(err), port: deps.config.smtpReceiverPort });
          return null;
        })
      : Promise.resolve(null);
  services.set(deps, { imap, receiver });
  return async () => {
    await imap.stop();
    await (await receiver)?.close();
    services.delete(deps);
  };
}

export const emailChannel: ChannelKind<EmailSettings> = {
  param: "email",
  channelType: EMAIL_CHANNEL_TYPE,
  settings: emailSettings,
  columnsForCreate: (s) => ({
    webhook_url: null,
    hmac_mandatory: false,
    additional_attributes: {},
    config: s.stored!,
    ...(s.forward_token ? { identifier: s.forward_token } : {}),
  }),
  columnsForUpdate: (_current, s) => (s.stored ? { config: s.stored } : {}),
  // Chatwoot's inbox jbuilder for email inboxes; server settings for administrators, passwords never.
  inboxFields: (channel, { administrator }) => {
    const c = emailConfigOf(channel);
    return {
      email: c.email,
      forward_to_email: c.forward_to_email,
      imap_enabled: c.imap_enabled,
      smtp_enabled: c.smtp_enabled,
      signature: c.signature,
      ...(administrator
        ? {
            imap_address: c.imap_address,
            imap_port: c.imap_port,
            imap_login: c.imap_login,
            imap_enable_ssl: c.imap_enable_ssl,
            smtp_address: c.smtp_address,
            smtp_port: c.smtp_port,
            smtp_login: c.smtp_login,
            smtp_domain: c.smtp_domain,
            smtp_enable_ssl_tls: c.smtp_enable_ssl_tls,
            smtp_enable_starttls_auto: c.smtp_enable_starttls_auto,
            smtp_authentication: c.smtp_authentication,
          }
        : {}),
    };
  },
  // An email inbox reaches any contact with an address; the address is the session's source_id.
  contactableSourceId: ({ contact }) => contact.email,
  newSourceId: (contact) => contact.email ?? crypto.randomUUID(),
  connect: (ctx, settings) => connectEmail(ctx, settings),
  sender: (ctx) => sendEmailReply(ctx),
  // Conversation continuity: agents' replies in website inboxes reach visitors who left, by email.
  listeners: (deps) => deps.bus.onDurable("message.created", (tx, e) => enqueueContinuityEmail(tx, deps, e.data)),
  start: (deps) => startEmailServices(deps),
  jobs: (deps) => ({
    [CONTINUITY_JOB]: async (payload: { message_id: number }, job) => {
      try {
        const outcome = await sendContinuityEmail(deps, payload.message_id);
        if (outcome !== "sent") deps.log.debug("email continuity: not sent", { message_id: payload.message_id, outcome });
      } catch (err) {
        // A refusal (5xx) will not change on retry; transient failures are retried by the runner.
        if (err instanceof ChannelSendError && (err.permanent || job.attempt >= job.job.max_attempts)) {
          deps.log.warn("email continuity: the mail was refused", { message_id: payload.message_id, error: err.message });
          return;
        }
        throw err;
      }
    },
  }),
  form: {
    label: "Email",
    description: "Answer a support mailbox (IMAP and SMTP, or forwarding to Parley).",
    icon: "mail",
    steps: [
      "Enter the address customers write to (e.g. support@yourcompany.com).",
      "Either turn on IMAP and SMTP with your mail provider's server settings, so Parley reads the mailbox and sends replies from it,",
      "or leave them off and forward that mailbox's mail to the Parley address shown after you create the inbox (the built-in SMTP receiver must be reachable as that domain's MX).",
    ],
    fields: [
      { name: "email", label: "Email address", type: "email", required: true, placeholder: "support@yourcompany.com" },
      { name: "imap_enabled", label: "Read the mailbox over IMAP", type: "checkbox" },
      { name: "imap_address", label: "IMAP server", type: "text", placeholder: "imap.yourcompany.com" },
      { name: "imap_port", label: "IMAP port", type: "number", placeholder: "993" },
      { name: "imap_login", label: "IMAP login", type: "text", placeholder: "support@yourcompany.com" },
      { name: "imap_password", label: "IMAP password", type: "password", help: "Stored encrypted; never shown again." },
      { name: "imap_enable_ssl", label: "IMAP over TLS (port 993)", type: "checkbox" },
      { name: "smtp_enabled", label: "Send replies through your SMTP server", type: "checkbox" },
      { name: "smtp_address", label: "SMTP server", type: "text", placeholder: "smtp.yourcompany.com" },
      { name: "smtp_port", label: "SMTP port", type: "number", placeholder: "587" },
      { name: "smtp_login", label: "SMTP login", type: "text" },
      { name: "smtp_password", label: "SMTP password", type: "password", help: "Stored encrypted; never shown again." },
      { name: "smtp_domain", label: "HELO domain", type: "text", placeholder: "yourcompany.com" },
      { name: "smtp_enable_ssl_tls", label: "SMTP over TLS (port 465)", type: "checkbox" },
      { name: "smtp_enable_starttls_auto", label: "Use STARTTLS when offered", type: "checkbox" },
      {
        name: "smtp_authentication",
        label: "SMTP authentication",
        type: "select",
        options: [
          { value: "login", label: "Login" },
          { value: "plain", label: "Plain" },
          { value: "cram_md5", label: "CRAM-MD5" },
        ],
      },
      { name: "signature", label: "Inbox signature", type: "textarea", help: "Added under every reply from this inbox." },
    ],
  },
  details: (channel) => {
    const c = emailConfigOf(channel);
    return [
      { label: "Address", value: c.email },
      c.imap_enabled
        ? { label: "Incoming", value: `IMAP ${c.imap_address}:${c.imap_port} as ${c.imap_login || c.email}` }
        : { label: "Forward your mail to", value: c.forward_to_email, copy: true, help: "Parley's SMTP receiver takes mail for this address." },
      { label: "Outgoing", value: c.smtp_enabled ? `SMTP ${c.smtp_address}:${c.smtp_port}` : "The server's mailer (PARLEY_SMTP_URL)" },
    ];
  },
};
