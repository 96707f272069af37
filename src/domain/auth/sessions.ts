import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { sessions, users } from "../../db/schema/accounts.ts";
import type { Tx } from "../../db/tx.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { randomToken } from "../../lib/ids.ts";

export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** last_seen_at is written at most this often, so page views stay read-only. */
const TOUCH_EVERY_MS = 5 * 60_000;

export type SessionRow = typeof sessions.$inferSelect;

export function createSession(tx: Tx, input: { userId: number; accountId: number | null; ip?: string | null; userAgent?: string | null }) {
  const token = randomToken(40);
  const session = tx.db
    .insert(sessions)
    .values({
      token_hash: sha256Hex(token),
      user_id: input.userId,
      account_id: input.accountId,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 400) ?? null,
      expires_at: tx.now + SESSION_TTL_MS,
      last_seen_at: tx.now,
      created_at: tx.now,
    })
    .returning()
    .get();
  return { token, session };
}

/** The session and its user for a cookie token, or null when unknown or expired. */
export function resolveSession(db: Db, token: string, now: number) {
  if (!token || token.length > 100) return null;
  const row = db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.user_id))
    .where(and(eq(sessions.token_hash, sha256Hex(token)), gt(sessions.expires_at, now)))
    .get();
  if (!row) return null;
  if (now - row.session.last_seen_at > TOUCH_EVERY_MS) {
    db.update(sessions).set({ last_seen_at: now, expires_at: now + SESSION_TTL_MS }).where(eq(sessions.id, row.session.id)).run();
  }
  return row;
}

export function switchSessionAccount(tx: Tx, sessionId: number, accountId: number): void {
  tx.db.update(sessions).set({ account_id: accountId }).where(eq(sessions.id, sessionId)).run();
}

export function destroySession(tx: Tx, token: string): void {
  tx.db.delete(sessions).where(eq(sessions.token_hash, sha256Hex(token))).run();
}

export function pruneExpiredSessions(db: Db, now: number): number {
  return db.delete(sessions).where(lt(sessions.expires_at, now)).returning({ id: sessions.id }).all().length;
}
