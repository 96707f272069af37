import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { requireAdministrator, isAdministrator } from "../../../domain/accounts/access.ts";
import {
  createAgentBot,
  deleteAgentBot,
  resetAgentBotAccessToken,
  resetAgentBotSecret,
  updateAgentBot,
} from "../../../domain/agent-bots/commands.ts";
import { agentBotAccessToken, getAgentBot, getAgentBotVisibleTo, listAgentBotsForAccount, type AgentBotRow } from "../../../domain/agent-bots/queries.ts";
import { serializeAccountAgentBot } from "../../../domain/agent-bots/serialize.ts";
import { idParam, parseWith, readBody } from "../../validate.ts";

const fields = {
  description: z.string({ error: "must be a string" }).max(10_000).nullable().optional(),
  outgoing_url: z.string({ error: "must be a string" }).max(2048, "is too long").nullable().optional(),
  avatar_url: z.string({ error: "must be a string" }).max(2048, "is too long").nullable().optional(),
  bot_type: z.string({ error: "must be a string" }).max(50).optional(),
  bot_config: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
};
const createFields = z.object({ name: z.string({ error: "can't be blank" }).max(255, "is too long (maximum is 255 characters)"), ...fields });
const updateFields = z.object({ name: z.string({ error: "must be a string" }).max(255, "is too long (maximum is 255 characters)").optional(), ...fields });
/** Chatwoot's form wraps the fields in `agent_bot`; the API accepts them bare too. */
const wrapped = <S extends z.ZodType>(schema: S) =>
  z
    .object({ agent_bot: z.unknown().optional() })
    .passthrough()
    .transform((b) => parseWith(schema, b.agent_bot ?? b) as z.infer<S>);

/** /api/v1/accounts/:account_id/agent_bots — members read; administrators write the account's own bots. */
export const agentBotRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { db } = c.var.deps;
    const admin = isAdministrator(c.var.scope);
    const json = (bot: AgentBotRow) => serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), admin);
    return c.json(listAgentBotsForAccount(db, c.var.scope.account.id).map(json));
  })
  .get("/:id", (c) => {
    const { db } = c.var.deps;
    const bot = getAgentBotVisibleTo(db, idParam(c, "id"), c.var.scope.account.id);
    return c.json(serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), isAdministrator(c.var.scope)));
  })
  .post("/", async (c) => {
    requireAdministrator(c.var.scope);
    const body = await readBody(c, wrapped(createFields));
    const { db, tx } = c.var.deps;
    const bot = tx((t) => createAgentBot(t, { ...body, account_id: c.var.scope.account.id }));
    return c.json(serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), true));
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    requireAdministrator(c.var.scope);
    const id = idParam(c, "id");
    const body = await readBody(c, wrapped(updateFields));
    const { db, tx } = c.var.deps;
    const bot = tx((t) => updateAgentBot(t, id, body, { accountId: c.var.scope.account.id }));
    return c.json(serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), true));
  })
  .delete("/:id", (c) => {
    requireAdministrator(c.var.scope);
    const id = idParam(c, "id");
    c.var.deps.tx((t) => deleteAgentBot(t, id, { accountId: c.var.scope.account.id }));
    return c.body(null, 200);
  })
  .delete("/:id/avatar", (c) => {
    requireAdministrator(c.var.scope);
    const id = idParam(c, "id");
    const { db, tx } = c.var.deps;
    const bot = tx((t) => updateAgentBot(t, id, { avatar_url: null }, { accountId: c.var.scope.account.id }));
    return c.json(serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), true));
  })
  .post("/:id/reset_access_token", (c) => {
    requireAdministrator(c.var.scope);
    const id = idParam(c, "id");
    const { db, tx } = c.var.deps;
    tx((t) => resetAgentBotAccessToken(t, id, { accountId: c.var.scope.account.id }));
    const bot = getAgentBot(db, id, { accountId: c.var.scope.account.id });
    return c.json(serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), true));
  })
  .post("/:id/reset_secret", (c) => {
    requireAdministrator(c.var.scope);
    const id = idParam(c, "id");
    const { db, tx } = c.var.deps;
    const bot = tx((t) => resetAgentBotSecret(t, id, { accountId: c.var.scope.account.id }));
    return c.json(serializeAccountAgentBot(bot, agentBotAccessToken(db, bot.id), true));
  });
