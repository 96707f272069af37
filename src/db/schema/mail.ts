import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Every outgoing email is written here first; the mail job sends it through SMTP when one is configured. */
export const mail_outbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    to_address: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text_body: text("text_body").notNull(),
    html_body: text("html_body"),
    /** queued: waiting for the job; sent: accepted by SMTP; stored: no SMTP configured; failed: gave up. */
    status: text("status", { enum: ["queued", "sent", "stored", "failed"] }).notNull().default("queued"),
    error: text("error"),
    created_at: integer("created_at").notNull(),
    sent_at: integer("sent_at"),
  },
  (t) => [index("mail_outbox_created_idx").on(t.created_at)],
);
