/** @jsxImportSource hono/jsx */
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import surveyCssPath from "../../static/css/survey.css" with { type: "file" };
import type { AppEnv } from "../deps.ts";
import { parseCsatAnswer, recordCsatResponse } from "../domain/csat/commands.ts";
import { findSurveyByConversationUuid, type PublicSurvey } from "../domain/csat/queries.ts";
import { NotFound } from "../domain/errors.ts";
import { inboxes } from "../db/schema/inboxes.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { SurveyNotFoundPage, SurveyPage, type SurveyView } from "../../views/pages/survey/survey-page.tsx";
import { pageDoc, render, type WebContext } from "./context.ts";
import { fieldErrorsOf } from "./forms.ts";
import { and, eq } from "drizzle-orm";

/**
 * The public CSAT survey (Chatwoot's /survey/responses/{conversation_uuid}): the contact rates the conversation
 * 1–5 and may leave a comment. Server-rendered, a plain form (works without JavaScript), behind the dashboard's
 * CSP and CSRF cookie; the conversation's uuid is the only key, and nothing else of the conversation is shown.
 */
const css = readFileSync(surveyCssPath);
const cssUrl = `/survey/assets/survey.${sha256Hex(css.toString("utf8")).slice(0, 12)}.css`;

function docOf(c: WebContext, title: string) {
  const doc = pageDoc(c, title);
  return { ...doc, assets: { ...doc.assets, styles: [...doc.assets.styles, cssUrl] } };
}

function viewOf(c: WebContext, survey: PublicSurvey, over: Partial<SurveyView> = {}): SurveyView {
  const inbox = c.var.deps.db
    .select({ name: inboxes.name, business_name: inboxes.business_name })
    .from(inboxes)
    .where(and(eq(inboxes.id, survey.conversation.inbox_id), eq(inboxes.account_id, survey.conversation.account_id)))
    .get();
  const attrs = survey.message.content_attributes ?? {};
  return {
    from: inbox?.business_name?.trim() || inbox?.name || "our team",
    question: survey.message.content?.trim() || "Please rate the conversation",
    displayType: attrs.display_type === "star" ? "star" : "emoji",
    action: `/survey/responses/${survey.conversation.uuid}`,
    rating: survey.response?.rating ?? null,
    feedback: survey.response?.feedback_message ?? "",
    submitted: !!survey.response,
    ...over,
  };
}

function find(c: WebContext): PublicSurvey | null {
  try {
    return findSurveyByConversationUuid(c.var.deps.db, c.req.param("uuid") ?? "");
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

const notFound = (c: WebContext) => render(c, <SurveyNotFoundPage doc={docOf(c, "Survey not found")} />, 404);

export const surveyRoutes = new Hono<AppEnv>()
  .get(cssUrl, (c) => c.body(css, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff" }))
  .get("/survey/responses/:uuid", (c) => {
    const survey = find(c);
    if (!survey) return notFound(c);
    return render(c, <SurveyPage doc={docOf(c, "Rate your conversation")} view={viewOf(c, survey)} />);
  })
  .post("/survey/responses/:uuid", async (c) => {
    const survey = find(c);
    if (!survey) return notFound(c);
    const type = c.req.header("content-type") ?? "";
    const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody() : {};
    const answer = { rating: body.rating, feedback_message: typeof body.feedback_message === "string" ? body.feedback_message : undefined };
    try {
      parseCsatAnswer(answer);
      const response = c.var.deps.tx((tx) => recordCsatResponse(tx, survey.message, answer));
      return render(c, <SurveyPage doc={docOf(c, "Thank you")} view={viewOf(c, { ...survey, response })} />);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      const feedback = typeof answer.feedback_message === "string" ? answer.feedback_message.slice(0, 10_000) : "";
      const view = viewOf(c, survey, { errors, rating: null, feedback, submitted: false });
      return render(c, <SurveyPage doc={docOf(c, "Rate your conversation")} view={view} />, 422);
    }
  });
