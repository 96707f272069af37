import { and, count, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { csat_survey_responses } from "../../db/schema/csat.ts";
import { conversations, messages } from "../../db/schema/conversations.ts";
import { hasPermission, type AccountScope } from "../accounts/access.ts";
import { Forbidden, NotFound } from "../errors.ts";
import type { ConversationRow, MessageRow } from "../conversations/records.ts";
import type { CsatResponseRow } from "./commands.ts";

/** CsatSurveyResponsesController::RESULTS_PER_PAGE. */
export const CSAT_PER_PAGE = 25;

export type CsatFilters = {
  /** Epoch ms bounds of created_at (Chatwoot's since/until, given in seconds by the API). */
  since?: number;
  until?: number;
  userIds?: number[];
  inboxId?: number;
  teamId?: number;
  ratings?: number[];
  page?: number;
};

/** CsatSurveyResponsePolicy: reports are for administrators (and custom roles with report_manage). */
export function assertCanViewCsat(scope: AccountScope): void {
  if (!hasPermission(scope, "report_manage")) throw new Forbidden();
}

function conditions(accountId: number, f: CsatFilters, column = csat_survey_responses.created_at): SQL[] {
  const where: SQL[] = [eq(csat_survey_responses.account_id, accountId)];
  if (f.since != null) where.push(gte(column, f.since));
  if (f.until != null) where.push(lte(column, f.until));
  if (f.userIds?.length) where.push(inArray(csat_survey_responses.assigned_agent_id, f.userIds));
  if (f.inboxId != null) where.push(eq(conversations.inbox_id, f.inboxId));
  if (f.teamId != null) where.push(eq(conversations.team_id, f.teamId));
  if (f.ratings?.length) where.push(inArray(csat_survey_responses.rating, f.ratings));
  return where;
}

export type CsatListRow = { response: CsatResponseRow; conversation: Pick<ConversationRow, "display_id" | "inbox_id" | "team_id"> };

/** GET /csat_survey_responses: the account's responses, newest first, 25 a page, with Chatwoot's filters. */
export function listCsatResponses(db: Db, scope: AccountScope, f: CsatFilters): CsatListRow[] {
  assertCanViewCsat(scope);
  const page = Math.max(1, f.page ?? 1);
  return db
    .select({ response: csat_survey_responses, conversation: { display_id: conversations.display_id, inbox_id: conversations.inbox_id, team_id: conversations.team_id } })
    .from(csat_survey_responses)
    .innerJoin(conversations, eq(conversations.id, csat_survey_responses.conversation_id))
    .where(and(...conditions(scope.account.id, f)))
    .orderBy(desc(csat_survey_responses.created_at), desc(csat_survey_responses.id))
    .limit(CSAT_PER_PAGE)
    .offset((page - 1) * CSAT_PER_PAGE)
    .all();
}

/**
 * GET /csat_survey_responses/metrics: how many responses match, their count per rating, and how many surveys
 * (input_csat messages) the account sent in the date range.
 */
export function csatMetrics(db: Db, scope: AccountScope, f: CsatFilters) {
  assertCanViewCsat(scope);
  const rows = db
    .select({ rating: csat_survey_responses.rating, n: count() })
    .from(csat_survey_responses)
    .innerJoin(conversations, eq(conversations.id, csat_survey_responses.conversation_id))
    .where(and(...conditions(scope.account.id, f)))
    .groupBy(csat_survey_responses.rating)
    .all();
  const ratings_count: Record<string, number> = {};
  let total_count = 0;
  for (const r of rows) {
    ratings_count[String(r.rating)] = r.n;
    total_count += r.n;
  }
  const sent: SQL[] = [eq(messages.account_id, scope.account.id), eq(messages.content_type, "input_csat")];
  if (f.since != null) sent.push(gte(messages.created_at, f.since));
  if (f.until != null) sent.push(lte(messages.created_at, f.until));
  const total_sent_messages_count = db.select({ n: count() }).from(messages).where(and(...sent)).get()?.n ?? 0;
  return { total_count, ratings_count, total_sent_messages_count };
}

/** The response to a conversation's survey, if the contact answered (for the conversation sidebar). */
export function csatResponseOfConversation(db: Db, accountId: number, conversationId: number): CsatResponseRow | null {
  return (
    db
      .select()
      .from(csat_survey_responses)
      .where(and(eq(csat_survey_responses.account_id, accountId), eq(csat_survey_responses.conversation_id, conversationId)))
      .orderBy(desc(csat_survey_responses.id))
      .get() ?? null
  );
}

export type PublicSurvey = { conversation: ConversationRow; message: MessageRow; response: CsatResponseRow | null };

/**
 * The survey behind /survey/responses/{conversation_uuid}: the conversation's latest input_csat message and its
 * answer so far. No survey sent (or an unknown uuid) is "not found".
 */
export function findSurveyByConversationUuid(db: Db, uuid: string): PublicSurvey {
  if (!/^[0-9a-fA-F-]{8,64}$/.test(uuid)) throw new NotFound("Survey");
  const conversation = db.select().from(conversations).where(eq(conversations.uuid, uuid)).get();
  if (!conversation) throw new NotFound("Survey");
  const message = db
    .select()
    .from(messages)
    .where(and(eq(messages.conversation_id, conversation.id), eq(messages.account_id, conversation.account_id), eq(messages.content_type, "input_csat")))
    .orderBy(desc(messages.id))
    .get();
  if (!message) throw new NotFound("Survey");
  const response = db.select().from(csat_survey_responses).where(eq(csat_survey_responses.message_id, message.id)).get() ?? null;
  return { conversation, message, response };
}

/** The rating shown in the conversation sidebar: the latest answer of the conversation's survey, if any. */
export function csatSummary(db: Db, accountId: number, conversationId: number): { rating: number; feedback: string | null } | null {
  const r = csatResponseOfConversation(db, accountId, conversationId);
  return r ? { rating: r.rating, feedback: r.feedback_message } : null;
}
