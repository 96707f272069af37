import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { isAdministrator, requireAdministrator } from "../../../domain/accounts/access.ts";
import { inboxAgentBot, setInboxAgentBot } from "../../../domain/agent-bots/inboxes.ts";
import { agentBotAccessToken } from "../../../domain/agent-bots/queries.ts";
import { serializeAccountAgentBot } from "../../../domain/agent-bots/serialize.ts";
import { getVisibleInbox } from "../../../domain/inboxes/queries.ts";
import { idParam, readBody } from "../../validate.ts";

const setBody = z.object({
  agent_bot: z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number), z.null(), z.literal("").transform(() => null)], {
    error: "must be an agent bot id or null",
  }),
});

/** /api/v1/accounts/:account_id/inboxes/:inbox_id/{agent_bot,set_agent_bot} — mounted before the inboxes router. */
export const inboxAgentBotRoutes = new Hono<AppEnv>()
  .get("/:inbox_id/agent_bot", (c) => {
    const { db } = c.var.deps;
    const inbox = getVisibleInbox(db, c.var.scope, idParam(c, "inbox_id"));
    const bot = inboxAgentBot(db, c.var.scope.account.id, inbox.inbox.id);
    const admin = isAdministrator(c.var.scope);
    return c.json({ agent_bot: bot ? serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), admin) : null });
  })
  .post("/:inbox_id/set_agent_bot", async (c) => {
    requireAdministrator(c.var.scope);
    const inboxId = idParam(c, "inbox_id");
    const { agent_bot } = await readBody(c, setBody);
    c.var.deps.tx((tx) => setInboxAgentBot(tx, c.var.scope.account.id, inboxId, agent_bot));
    return c.body(null, 204);
  });
