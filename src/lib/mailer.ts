import type Nodemailer from "nodemailer";

let loaded: typeof Nodemailer | null = null;
/** nodemailer, loaded on first use: an installation without SMTP never pays for it (tens of MB of memory). */
export function nodemailer(): typeof Nodemailer {
  return (loaded ??= require("nodemailer") as typeof Nodemailer);
}

export type OutgoingMail = { to: string; subject: string; text: string; html?: string | null };

export interface Mailer {
  /** False when no SMTP server is configured: mail then stays in the outbox table. */
  readonly enabled: boolean;
  send(mail: OutgoingMail): Promise<void>;
}

export function createMailer(smtpUrl: string | null, from: string): Mailer {
  if (!smtpUrl) {
    return {
      enabled: false,
      send: async () => {
        throw new Error("SMTP is not configured");
      },
    };
  }
  const transport = nodemailer().createTransport(smtpUrl);
  return {
    enabled: true,
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined });
    },
  };
}
