import { and, eq } from "drizzle-orm";
import { csat_survey_responses } from "../../db/schema/csat.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import type { Tx } from "../../db/tx.ts";
import type { MessageRow } from "../conversations/records.ts";
import { NotFound, Validation } from "../errors.ts";

export type CsatResponseRow = typeof csat_survey_responses.$inferSelect;
export type CsatAnswer = { rating: unknown; feedback_message?: unknown };

/** Chatwoot keeps feedback as free text; Parley caps it so one answer cannot bloat the database. */
export const MAX_FEEDBACK_LENGTH = 10_000;

/** Checks a contact's answer: an integer rating 1–5 and optional feedback text (422 naming the field otherwise). */
export function parseCsatAnswer(answer: CsatAnswer): { rating: number; feedback_message: string | null } {
  const raw = typeof answer.rating === "string" && answer.rating.trim() !== "" ? Number(answer.rating) : answer.rating;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 1 || raw > 5) throw Validation.field("rating", "must be a whole number from 1 to 5");
  const fb = answer.feedback_message;
  if (fb != null && typeof fb !== "string") throw Validation.field("feedback_message", "must be a string");
  if (typeof fb === "string" && fb.length > MAX_FEEDBACK_LENGTH) throw Validation.field("feedback_message", `is too long (maximum is ${MAX_FEEDBACK_LENGTH} characters)`);
  const feedback = typeof fb === "string" && fb.trim() ? fb : null;
  return { rating: raw, feedback_message: feedback };
}

/**
 * CsatSurveys::ResponseBuilder: the contact answered an input_csat message (from the widget or the public survey
 * page). Stores or updates the one response of that message (the agent is the one captured when the survey went
 * out, else the conversation's assignee), keeps the answer in the message's
 * content_attributes.submitted_values.csat_survey_response and emits message.updated when it changed.
 * Callers need not write submitted_values themselves.
 */
export function recordCsatResponse(tx: Tx, message: MessageRow, answer: CsatAnswer): CsatResponseRow {
  if (message.content_type !== "input_csat") throw Validation.field("message", "is not a CSAT survey");
  const { rating, feedback_message } = parseCsatAnswer(answer);
  const conversation = tx.db
    .select({ id: conversations.id, contact_id: conversations.contact_id, assignee_id: conversations.assignee_id })
    .from(conversations)
    .where(and(eq(conversations.id, message.conversation_id), eq(conversations.account_id, message.account_id)))
    .get();
  if (!conversation) throw new NotFound("Conversation");
  const snapshot = message.content_attributes?.assigned_agent_id;
  const agentId = typeof snapshot === "number" ? snapshot : conversation.assignee_id;

  const existing = tx.db.select().from(csat_survey_responses).where(eq(csat_survey_responses.message_id, message.id)).get();
  const row = existing
    ? tx.db
        .update(csat_survey_responses)
        .set({ rating, feedback_message, updated_at: tx.now })
        .where(eq(csat_survey_responses.id, existing.id))
        .returning()
        .get()
    : tx.db
        .insert(csat_survey_responses)
        .values({
          account_id: message.account_id,
          conversation_id: message.conversation_id,
          message_id: message.id,
          contact_id: conversation.contact_id,
          assigned_agent_id: agentId ?? null,
          rating,
          feedback_message,
          created_at: tx.now,
          updated_at: tx.now,
        })
        .returning()
        .get();

  const current = tx.db.select({ content_attributes: messages.content_attributes }).from(messages).where(eq(messages.id, message.id)).get();
  const before = current?.content_attributes ?? {};
  const submitted = { csat_survey_response: { rating, feedback_message } };
  const prev = (before as { submitted_values?: unknown }).submitted_values;
  if (JSON.stringify(prev) !== JSON.stringify(submitted)) {
    const after = { ...before, submitted_values: submitted };
    tx.db.update(messages).set({ content_attributes: after, updated_at: tx.now }).where(eq(messages.id, message.id)).run();
    tx.emit("message.updated", {
      account_id: message.account_id,
      conversation_id: message.conversation_id,
      message_id: message.id,
      changed_attributes: { content_attributes: { previous_value: before, current_value: after } },
    });
  }
  return row;
}
