/** @jsxImportSource hono/jsx */
import { AuthLayout } from "../../layouts/auth.tsx";
import type { Doc } from "../../layouts/document.tsx";
import { Alert, CsrfField, type FieldErrors } from "../../components/form.tsx";

/** The five answers, each drawn as a face (SVG, so it looks the same without an emoji font). */
export const RATINGS = [
  { value: 1, caption: "Very dissatisfied", mouth: "M8 17.2 Q12 12.8 16 17.2", tint: "#fecaca" },
  { value: 2, caption: "Dissatisfied", mouth: "M8.5 16.6 Q12 14.4 15.5 16.6", tint: "#fed7aa" },
  { value: 3, caption: "Neutral", mouth: "M8.5 15.6 L15.5 15.6", tint: "#fef08a" },
  { value: 4, caption: "Satisfied", mouth: "M8.5 14.6 Q12 17.4 15.5 14.6", tint: "#d9f99d" },
  { value: 5, caption: "Very satisfied", mouth: "M7.5 13.8 Q12 19.6 16.5 13.8", tint: "#bbf7d0" },
] as const;

export type SurveyView = {
  /** Who asks: the inbox's business name or its name. */
  from: string;
  /** The survey message the contact received (escaped text). */
  question: string;
  displayType: "emoji" | "star";
  action: string;
  /** The answer given so far (or just posted). */
  rating: number | null;
  feedback: string;
  submitted: boolean;
  errors?: FieldErrors;
};

function Mark(props: { value: number; displayType: "emoji" | "star" }) {
  const r = RATINGS[props.value - 1]!;
  if (props.displayType === "star") {
    return (
      <span class="survey-star" aria-hidden="true">
        {"★".repeat(props.value)}
      </span>
    );
  }
  return (
    <svg class="survey-face" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true">
      <circle cx="12" cy="12" r="10.5" fill={r.tint} stroke="#485164" stroke-width="1.2" />
      <circle cx="9" cy="9.8" r="1.15" fill="#141923" />
      <circle cx="15" cy="9.8" r="1.15" fill="#141923" />
      <path d={r.mouth} fill="none" stroke="#141923" stroke-width="1.5" stroke-linecap="round" />
    </svg>
  );
}

/** The public CSAT survey: a 1–5 rating and a comment, a plain form that works without JavaScript. */
export function SurveyPage(props: { doc: Doc; view: SurveyView }) {
  const v = props.view;
  const ratingError = v.errors?.rating;
  const feedbackError = v.errors?.feedback_message;
  return (
    <AuthLayout doc={props.doc} heading={v.submitted ? "Thank you for your feedback" : "Rate your conversation"} lead={`with ${v.from}`}>
      {v.submitted && v.rating ? (
        <div class="survey-thanks" role="status">
          <Mark value={v.rating} displayType={v.displayType} />
          <strong>{RATINGS[v.rating - 1]!.caption}</strong>
          <p>Your rating was saved. You can change it below.</p>
        </div>
      ) : (
        <p class="survey-message">{v.question}</p>
      )}
      {ratingError || feedbackError ? <Alert kind="error" title="Please check your answer" id="survey-errors" /> : null}
      <form class="survey-form" method="post" action={v.action}>
        <CsrfField token={props.doc.csrfToken} />
        <fieldset class={ratingError ? "survey-ratings has-error" : "survey-ratings"} aria-describedby={ratingError ? "rating-error" : undefined}>
          <legend>How satisfied are you with the help you received?</legend>
          <div class="survey-options">
            {RATINGS.map((r) => (
              <div class="survey-option">
                <input type="radio" id={`rating-${r.value}`} name="rating" value={String(r.value)} checked={v.rating === r.value} required />
                <label for={`rating-${r.value}`} title={r.caption}>
                  <Mark value={r.value} displayType={v.displayType} />
                  <span class="survey-caption">{v.displayType === "star" ? `${r.value} of 5` : r.caption}</span>
                </label>
              </div>
            ))}
          </div>
          {ratingError ? (
            <p class="field-error" id="rating-error">
              Rating {ratingError}
            </p>
          ) : null}
        </fieldset>
        <div class={feedbackError ? "field survey-feedback has-error" : "field survey-feedback"}>
          <label for="f-feedback_message">Tell us more (optional)</label>
          <textarea id="f-feedback_message" name="feedback_message" maxlength={10000} placeholder="What went well, what could be better?">
            {v.feedback}
          </textarea>
          {feedbackError ? <p class="field-error">Feedback {feedbackError}</p> : null}
        </div>
        <button type="submit" class="btn btn-primary survey-submit">
          {v.submitted ? "Update my rating" : "Submit"}
        </button>
      </form>
    </AuthLayout>
  );
}

/** No survey for this link. */
export function SurveyNotFoundPage(props: { doc: Doc }) {
  return (
    <AuthLayout doc={props.doc} heading="Survey not found" lead="This link does not lead to a survey. It may have been mistyped, or the conversation was deleted.">
      <span />
    </AuthLayout>
  );
}
