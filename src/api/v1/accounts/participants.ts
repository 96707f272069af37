import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { addParticipants, removeParticipants, replaceParticipants } from "../../../domain/conversations/commands.ts";
import { participantIds } from "../../../domain/conversations/queries.ts";
import { agentJson } from "../../../domain/conversations/serialize.ts";
import { readBody } from "../../validate.ts";
import { id, pathConversation, recordsFor } from "./conversation-params.ts";

const body = z.object({ user_ids: z.array(id).max(500) });

function agents(c: Parameters<typeof recordsFor>[0], ids: number[]) {
  const records = recordsFor(c);
  records.loadUsers(ids);
  return ids.flatMap((uid) => {
    const r = records.user(uid);
    return r ? [agentJson(r, c.var.scope.account.id)] : [];
  });
}

/** /api/v1/accounts/:account_id/conversations/:conversation_id/participants */
export const participantRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(agents(c, participantIds(c.var.deps.db, pathConversation(c).id))))
  .post("/", async (c) => {
    const { user_ids } = await readBody(c, body);
    const added = c.var.deps.tx((tx) => addParticipants(tx, pathConversation(c, tx.db), user_ids));
    return c.json(agents(c, added));
  })
  .on(["PATCH", "PUT"], "/", async (c) => {
    const { user_ids } = await readBody(c, body);
    const conversation = c.var.deps.tx((tx) => {
      const conv = pathConversation(c, tx.db);
      replaceParticipants(tx, conv, user_ids);
      return conv;
    });
    return c.json(agents(c, participantIds(c.var.deps.db, conversation.id)));
  })
  .delete("/", async (c) => {
    const { user_ids } = await readBody(c, body);
    c.var.deps.tx((tx) => removeParticipants(tx, pathConversation(c, tx.db), user_ids));
    return c.body(null, 200);
  });
