import { Hono } from "hono";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import type { AppEnv } from "../../deps.ts";
import { createAgentBot, deleteAgentBot, updateAgentBot } from "../../domain/agent-bots/commands.ts";
import { agentBotAccessToken, getAgentBot, listAgentBots, type AgentBotRow } from "../../domain/agent-bots/queries.ts";
import { serializeAgentBot } from "../../domain/agent-bots/serialize.ts";
import { saveAvatar } from "../../domain/users/avatars.ts";
import { idParam, readBody } from "../validate.ts";
import { bodyId, jsonObject, requiredString } from "./fields.ts";

const fields = {
  description: z.string().max(10_000).nullable().optional(),
  outgoing_url: z.string().max(2048).nullable().optional(),
  avatar_url: z.string().max(2048).nullable().optional(),
  avatar: z.instanceof(File, { error: "must be an uploaded file" }).optional(),
  bot_type: z.string().max(50).optional(),
  bot_config: jsonObject.optional(),
  account_id: bodyId.nullable().optional(),
};
const createBody = z.object({ name: requiredString(255), ...fields });
const updateBody = z.object({ name: requiredString(255).optional(), ...fields });

const botJson = (db: Db, bot: AgentBotRow) => serializeAgentBot(bot, agentBotAccessToken(db, bot.id));

/** /platform/api/v1/agent_bots — bots provisioned here are global (account_id null) unless an account is given. */
export const platformAgentBotRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(listAgentBots(c.var.deps.db).map((bot) => botJson(c.var.deps.db, bot))))
  .post("/", async (c) => {
    const { avatar, ...body } = await readBody(c, createBody);
    const avatar_url = avatar ? await saveAvatar(c.var.deps.config, avatar) : body.avatar_url;
    const bot = c.var.deps.tx((tx) => createAgentBot(tx, { ...body, avatar_url }));
    return c.json(botJson(c.var.deps.db, bot));
  })
  .get("/:id", (c) => c.json(botJson(c.var.deps.db, getAgentBot(c.var.deps.db, idParam(c, "id")))))
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const { avatar, ...body } = await readBody(c, updateBody);
    const avatar_url = avatar ? await saveAvatar(c.var.deps.config, avatar) : body.avatar_url;
    const bot = c.var.deps.tx((tx) => updateAgentBot(tx, id, { ...body, avatar_url }));
    return c.json(botJson(c.var.deps.db, bot));
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteAgentBot(tx, id));
    return c.body(null, 200);
  })
  .delete("/:id/avatar", (c) => {
    const id = idParam(c, "id");
    const bot = c.var.deps.tx((tx) => updateAgentBot(tx, id, { avatar_url: null }));
    return c.json(botJson(c.var.deps.db, bot));
  });
