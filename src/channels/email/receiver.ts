// The built-in SMTP receiver (smtp-server), listening when PARLEY_SMTP_RECEIVER_PORT is set. It accepts mail for
// email inboxes' forwarding addresses (`{token}@{PARLEY_INBOUND_EMAIL_DOMAIN}`), for an inbox's own address (when the
// domain's MX points here), and for conversation reply addresses (`reply+{uuid}@…`); every other recipient is
// refused at RCPT TO with 550, so Parley is never an open relay. Each accepted message goes through the same
// inbound pipeline as IMAP mail. Plain SMTP (RFC 5321) with 8BITMIME and SIZE; no AUTH — put it behind your MTA or
// firewall as you would any MX.
import type { AddressInfo } from "node:net";
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { AppDeps } from "../../deps.ts";
import type { InboxRecord } from "../../domain/conversations/records.ts";
import { findChannelInbox, inboxesOfKind } from "../framework/inbound.ts";
import { recordConnection } from "../framework/status.ts";
import { domainOf, localPartOf } from "./addresses.ts";
import { EMAIL_CHANNEL_TYPE, receiveEmail, replyAddressConversation } from "./inbound.ts";
import { emailConfigOf } from "./settings.ts";

/** Largest message accepted (attachments included, base64 grows them by a third). */
function maxMessageBytes(deps: AppDeps): number {
  return Math.ceil(deps.config.maxUploadBytes * 1.4) + 1024 * 1024;
}

export type RecipientTarget = { kind: "inbox"; where: InboxRecord } | { kind: "reply" };

/** What a recipient address of the receiver is: an email inbox, a conversation's reply address, or nothing (null). */
export function recipientTarget(deps: AppDeps, address: string): RecipientTarget | null {
  const addr = address.trim().toLowerCase();
  if (replyAddressConversation(deps, [addr], null)) return { kind: "reply" };
  if (domainOf(addr) === deps.config.inboundEmailDomain) {
    const where = findChannelInbox(deps.db, EMAIL_CHANNEL_TYPE, localPartOf(addr));
    if (where) return { kind: "inbox", where };
  }
  for (const where of inboxesOfKind(deps.db, EMAIL_CHANNEL_TYPE)) {
    const c = emailConfigOf(where.channel);
    if (c.email === addr || c.forward_to_email === addr) return { kind: "inbox", where };
  }
  return null;
}

type Session = SMTPServerSession & { targets?: Map<string, RecipientTarget> };

export type SmtpReceiver = { port: number; close(): Promise<void> };

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpReceiver(deps: AppDeps, port: number, host: string): Promise<SmtpReceiver> {
  const size = maxMessageBytes(deps);
  // Loaded only when the receiver is turned on (PARLEY_SMTP_RECEIVER_PORT).
  const { SMTPServer } = await import("smtp-server");
  const server = new SMTPServer({
    name: deps.config.inboundEmailDomain,
    banner: "Parley",
    size,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onRcptTo(address: SMTPServerAddress, session: Session, callback: (err?: Error | null) => void) {
      let target: RecipientTarget | null = null;
      try {
        target = recipientTarget(deps, address.address);
      } catch (err) {
        deps.log.error("email receiver: recipient lookup failed", { err });
        return callback(smtpError(451, "Temporary failure, try again later"));
      }
      if (!target) return callback(smtpError(550, `No mailbox here by the name ${address.address}`));
      (session.targets ??= new Map()).set(address.address.toLowerCase(), target);
      callback();
    },
    onData(stream: SMTPServerDataStream, session: Session, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `Message exceeds the size limit of ${size} bytes`));
        const raw = new Uint8Array(Buffer.concat(chunks));
        const rcpts = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        void deliver(deps, raw, rcpts, session.targets ?? new Map()).then(
          () => callback(),
          (err) => {
            deps.log.error("email receiver: could not take in a message", { err });
            callback(smtpError(451, "Temporary failure, try again later"));
          },
        );
      });
    },
  });
  server.on("error", (err) => deps.log.warn("email receiver: SMTP error", { err: String(err) }));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;
  deps.log.info("SMTP receiver listening", { host, port: bound, domain: deps.config.inboundEmailDomain });
  return { port: bound, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** One message to its destinations: each inbox it was addressed to once, and the reply addresses once. */
async function deliver(deps: AppDeps, raw: Uint8Array, rcpts: string[], targets: Map<string, RecipientTarget>): Promise<void> {
  const inboxes = new Map<number, InboxRecord>();
  let reply = false;
  for (const rcpt of rcpts) {
    const t = targets.get(rcpt);
    if (t?.kind === "inbox") inboxes.set(t.where.inbox.id, t.where);
    else if (t?.kind === "reply") reply = true;
  }
  // A reply address names its conversation (and so its inbox): the pipeline finds it from the envelope.
  if (reply) await receiveEmail(deps, { inbox: null, envelopeRecipients: rcpts }, raw);
  for (const where of inboxes.values()) {
    const outcome = await receiveEmail(deps, { inbox: where, envelopeRecipients: rcpts }, raw);
    // Mail arriving for a forwarding inbox is what "connected" means for it (the inbox page shows it).
    if (outcome.status !== "ignored" && where.channel.connection_status !== "connected") {
      deps.tx((tx) => recordConnection(tx, where.channel.id, "connected"));
    }
  }
}
