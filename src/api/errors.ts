import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Conflict, DomainError, Forbidden, NotFound, TooManyRequests, Unauthorized, Validation, type FieldError } from "../domain/errors.ts";
import type { Log } from "../lib/log.ts";

export type ErrorBody = { message: string; errors?: FieldError[] };

/** Malformed request (bad JSON, wrong content type): 400. */
export class BadRequest extends Error {}

/** Domain and protocol errors → DESIGN.md §3 status codes and the one error body. */
export function errorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody; headers?: Record<string, string> } | null {
  if (err instanceof Validation) return { status: 422, body: { message: err.message, errors: err.errors } };
  if (err instanceof Conflict) {
    return { status: 422, body: { message: err.message, errors: err.field ? [{ field: err.field, message: err.message }] : undefined } };
  }
  if (err instanceof NotFound) return { status: 404, body: { message: err.message } };
  if (err instanceof Forbidden) return { status: 403, body: { message: err.message } };
  if (err instanceof Unauthorized) return { status: 401, body: { message: err.message } };
  if (err instanceof TooManyRequests) {
    return { status: 429, body: { message: err.message }, headers: { "Retry-After": String(err.retryAfterSeconds) } };
  }
  if (err instanceof BadRequest) return { status: 400, body: { message: err.message } };
  if (err instanceof DomainError) return { status: 422, body: { message: err.message } };
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = status === 413 ? "Request body is too large" : err.message || "Request failed";
    return { status, body: { message } };
  }
  return null;
}

export function jsonError(c: Context, err: unknown, log: Log): Response {
  const mapped = errorResponse(err);
  if (mapped) return c.json(mapped.body, mapped.status, mapped.headers);
  log.error("unhandled error", { err, method: c.req.method, path: c.req.path });
  return c.json({ message: "Internal server error" }, 500);
}
