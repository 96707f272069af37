import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { agent_bots } from "../../db/schema/agent-bots.ts";
import type { UserRow } from "../users/queries.ts";
import { findUser } from "../users/queries.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { findTokenOwner } from "./access-tokens.ts";
import { cachedRead } from "../../db/read-cache.ts";

export type AgentBotRow = typeof agent_bots.$inferSelect;

/** Who is making a request: a user (API token or dashboard session) or an agent bot (API token). */
export type Actor = { type: "user"; user: UserRow; sessionId: number | null } | { type: "agent_bot"; bot: AgentBotRow };

export function actorForAccessToken(db: Db, token: string): Actor | null {
  if (!token || token.length > 200) return null;
  return cachedRead<Actor>(db, `actor:${sha256Hex(token)}`, () => {
    const owner = findTokenOwner(db, token);
    if (!owner) return null;
    if (owner.ownerType === "User") {
      const user = findUser(db, owner.ownerId);
      return user ? { type: "user", user, sessionId: null } : null;
    }
    const bot = db.select().from(agent_bots).where(eq(agent_bots.id, owner.ownerId)).get();
    return bot ? { type: "agent_bot", bot } : null;
  });
}
