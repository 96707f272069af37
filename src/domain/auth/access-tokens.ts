import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { access_tokens } from "../../db/schema/accounts.ts";
import type { Tx } from "../../db/tx.ts";
import { safeEqual, sha256Hex } from "../../lib/crypto.ts";
import { randomToken } from "../../lib/ids.ts";

export type TokenOwner = "User" | "AgentBot";

/** Creates or replaces the owner's API token (Chatwoot keeps one per user or bot). */
export function issueAccessToken(tx: Tx, ownerType: TokenOwner, ownerId: number): string {
  const token = randomToken(24);
  tx.db
    .insert(access_tokens)
    .values({ owner_type: ownerType, owner_id: ownerId, token, token_digest: sha256Hex(token), created_at: tx.now, updated_at: tx.now })
    .onConflictDoUpdate({
      target: [access_tokens.owner_type, access_tokens.owner_id],
      set: { token, token_digest: sha256Hex(token), updated_at: tx.now },
    })
    .run();
  return token;
}

export function revokeAccessToken(tx: Tx, ownerType: TokenOwner, ownerId: number): void {
  tx.db.delete(access_tokens).where(and(eq(access_tokens.owner_type, ownerType), eq(access_tokens.owner_id, ownerId))).run();
}

/** The owner of an API token, found through its digest and confirmed with a constant-time comparison. */
const tokenByDigest = preparedFor((db) =>
  db.select().from(access_tokens).where(eq(access_tokens.token_digest, sql.placeholder("digest"))).prepare(),
);

export function findTokenOwner(db: Db, token: string): { ownerType: TokenOwner; ownerId: number } | null {
  if (!token || token.length > 200) return null;
  const row = tokenByDigest(db).get({ digest: sha256Hex(token) });
  if (!row || !safeEqual(row.token, token)) return null;
  return { ownerType: row.owner_type, ownerId: row.owner_id };
}
