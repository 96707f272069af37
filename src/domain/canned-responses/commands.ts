import { and, eq } from "drizzle-orm";
import { cannedResponses } from "../../db/schema/workspace.ts";
import type { Tx } from "../../db/tx.ts";
import type { AccountScope } from "../accounts/access.ts";
import { Conflict, Validation } from "../errors.ts";
import { authorizeCannedResponseWrite } from "./policy.ts";
import { getCannedResponse, type CannedResponseRow } from "./queries.ts";

export const SHORT_CODE_MAX = 255;
export const CONTENT_MAX = 100_000;

export type CannedResponseInput = { short_code?: string; content?: string };

function normalizeShortCode(value: string): string {
  const code = value.trim();
  if (!code) throw Validation.field("short_code", "can't be blank");
  if (code.length > SHORT_CODE_MAX) throw Validation.field("short_code", `is too long (maximum is ${SHORT_CODE_MAX} characters)`);
  if (/\s/.test(code)) throw Validation.field("short_code", "can't contain spaces");
  return code;
}

function checkContent(value: string): string {
  if (!value.trim()) throw Validation.field("content", "can't be blank");
  if (value.length > CONTENT_MAX) throw Validation.field("content", `is too long (maximum is ${CONTENT_MAX} characters)`);
  return value;
}

function assertShortCodeFree(tx: Tx, accountId: number, code: string, exceptId?: number): void {
  const other = tx.db
    .select({ id: cannedResponses.id })
    .from(cannedResponses)
    .where(and(eq(cannedResponses.account_id, accountId), eq(cannedResponses.short_code, code)))
    .get();
  if (other && other.id !== exceptId) throw new Conflict("has already been taken", "short_code");
}

export function createCannedResponse(tx: Tx, scope: AccountScope, input: { short_code: string; content: string }): CannedResponseRow {
  authorizeCannedResponseWrite(scope);
  const short_code = normalizeShortCode(input.short_code);
  const content = checkContent(input.content);
  assertShortCodeFree(tx, scope.account.id, short_code);
  return tx.db
    .insert(cannedResponses)
    .values({ account_id: scope.account.id, short_code, content, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

export function updateCannedResponse(tx: Tx, scope: AccountScope, id: number, input: CannedResponseInput): CannedResponseRow {
  authorizeCannedResponseWrite(scope);
  const current = getCannedResponse(tx.db, scope.account.id, id);
  const short_code = input.short_code !== undefined ? normalizeShortCode(input.short_code) : current.short_code;
  const content = input.content !== undefined ? checkContent(input.content) : current.content;
  if (short_code !== current.short_code) assertShortCodeFree(tx, scope.account.id, short_code, current.id);
  return tx.db
    .update(cannedResponses)
    .set({ short_code, content, updated_at: tx.now })
    .where(eq(cannedResponses.id, current.id))
    .returning()
    .get();
}

export function deleteCannedResponse(tx: Tx, scope: AccountScope, id: number): void {
  authorizeCannedResponseWrite(scope);
  const current = getCannedResponse(tx.db, scope.account.id, id);
  tx.db.delete(cannedResponses).where(eq(cannedResponses.id, current.id)).run();
}
