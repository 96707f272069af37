import type { OutgoingMail } from "../../lib/mailer.ts";

/** Plain-text first: every client renders it, and nothing user-supplied is interpreted as HTML. */
export function passwordResetMail(input: { to: string; name: string; url: string; reason: "reset" | "invite" }): OutgoingMail {
  const lines =
    input.reason === "invite"
      ? [`Hi ${input.name},`, "", "You have been invited to Parley. Set your password to get started:", "", input.url]
      : [`Hi ${input.name},`, "", "Someone asked to reset the password of your Parley account. If it was you, open:", "", input.url];
  lines.push("", "The link works once and expires in 2 hours. If you did not ask for it, ignore this email.");
  return {
    to: input.to,
    subject: input.reason === "invite" ? "Set your Parley password" : "Reset your Parley password",
    text: lines.join("\n"),
  };
}
