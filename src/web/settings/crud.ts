// What the settings pages' routes share: the viewer's account scope, ids from the path, the notice a redirect names
// (`?saved=created`), the fields of a posted form, and the post → domain write → redirect (or 422 with the errors
// under the fields) step.
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { NotFound } from "../../domain/errors.ts";
import type { FieldErrors, Notice } from "../../../views/components/form.tsx";
import { currentSessionId, currentUser, type WebContext } from "../context.ts";
import { fieldErrorsOf } from "../forms.ts";

export const accountIdOf = (c: WebContext): number => c.var.membership.account_id;

/** The signed-in user's scope in the current account (role, custom role, session). */
export const userScopeOf = (c: WebContext): AccountScope =>
  resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, accountIdOf(c));

/** A record id from the path; anything but 1–15 digits is the record not found. */
export function idParam(raw: string | undefined, what: string): number {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFound(what);
  return Number(raw);
}

/** The notice a list or edit page shows after the redirect of a form post (`?saved=<key>`). */
export const savedNotice = (c: WebContext, notices: Record<string, Notice>): Notice | undefined => notices[c.req.query("saved") ?? ""];

/**
 * The text fields of a posted form (urlencoded or multipart; any other body has none): `field(name, max)` is the
 * value cut at `max` characters ("" when missing or a file). Over-long values are kept cut, so the domain names the field.
 */
export async function postedText(c: WebContext): Promise<(name: string, max: number) => string> {
  const type = c.req.header("content-type") ?? "";
  const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody() : {};
  return (name, max) => (typeof body[name] === "string" ? (body[name] as string).slice(0, max) : "");
}

/** Runs a form handler: domain validation errors (by field, through `errorsOf`) go to `onInvalid` (the form again, 422); anything else propagates. */
export async function withFormErrors(
  run: () => Promise<Response> | Response,
  onInvalid: (errors: FieldErrors) => Promise<Response> | Response,
  errorsOf: (err: unknown) => FieldErrors | null = fieldErrorsOf,
): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    const errors = errorsOf(err);
    if (!errors) throw err;
    return onInvalid(errors);
  }
}

/**
 * A form post's write: `save` runs the domain command; on success the browser is sent (303) to `then(result)`;
 * a validation error answers `refused(errors)` (see withFormErrors).
 */
export function submitForm<T>(
  c: WebContext,
  step: { save: () => T; then: (saved: T) => string; refused: (errors: FieldErrors) => Response | Promise<Response>; errorsOf?: (err: unknown) => FieldErrors | null },
): Promise<Response> {
  return withFormErrors(() => c.redirect(step.then(step.save()), 303), step.refused, step.errorsOf);
}
