import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { removeStored } from "../../../domain/attachments/storage.ts";
import { isAdministrator } from "../../../domain/accounts/access.ts";
import { disconnectChannel, prepareChannelCreate, prepareChannelUpdate } from "../../../channels/framework/setup.ts";
import { createInbox, deleteInbox, updateInbox } from "../../../domain/inboxes/commands.ts";
import { getInbox, getVisibleInbox, listInboxes } from "../../../domain/inboxes/queries.ts";
import { serializeInbox } from "../../../domain/inboxes/serialize.ts";
import { workingHoursByInbox } from "../../../domain/inboxes/business-hours.ts";
import { jsonObject, requiredString } from "../../platform/fields.ts";
import { optionalHttpUrl } from "../../../channels/url.ts";
import { idParam, readBody } from "../../validate.ts";

const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: "must be true or false" }));
const text = (max: number) => z.string({ error: "must be a string" }).max(max, `is too long (maximum is ${max} characters)`);

const fields = {
  avatar_url: optionalHttpUrl().optional(),
  greeting_enabled: bool.optional(),
  greeting_message: text(10_000).nullable().optional(),
  enable_email_collect: bool.optional(),
  csat_survey_enabled: bool.optional(),
  enable_auto_assignment: bool.optional(),
  auto_assignment_config: jsonObject.optional(),
  working_hours_enabled: bool.optional(),
  out_of_office_message: text(10_000).nullable().optional(),
  timezone: text(64).optional(),
  allow_messages_after_resolved: bool.optional(),
  lock_to_single_conversation: bool.optional(),
  sender_name_type: z.enum(["friendly", "professional"], { error: "must be friendly or professional" }).optional(),
  business_name: text(255).nullable().optional(),
  working_hours: z.array(z.unknown(), { error: "must be an array" }).optional(),
  csat_config: jsonObject.optional(),
  channel: jsonObject.optional(),
};
const createBody = z.object({ name: requiredString(255), ...fields });
const updateBody = z.object({ name: text(255).optional(), ...fields });

function withHours(db: Parameters<typeof workingHoursByInbox>[0], row: ReturnType<typeof getVisibleInbox>) {
  return { ...row, working_hours: workingHoursByInbox(db, [row.inbox.id]).get(row.inbox.id) };
}

/** /api/v1/accounts/:account_id/inboxes */
export const inboxRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { db } = c.var.deps;
    const viewer = { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl };
    const rows = listInboxes(db, c.var.scope);
    const hours = workingHoursByInbox(db, rows.map((r) => r.inbox.id));
    return c.json({ payload: rows.map((row) => serializeInbox({ ...row, working_hours: hours.get(row.inbox.id) }, viewer)) });
  })
  .post("/", async (c) => {
    const body = await readBody(c, createBody);
    const prepared = await prepareChannelCreate(c.var.deps, c.var.scope, body.channel);
    const row = c.var.deps.tx((tx) => createInbox(tx, c.var.scope, body, prepared));
    return c.json(serializeInbox(withHours(c.var.deps.db, row), { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl }));
  })
  .get("/:id", (c) => {
    const row = getVisibleInbox(c.var.deps.db, c.var.scope, idParam(c, "id"));
    return c.json(serializeInbox(withHours(c.var.deps.db, row), { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl }));
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, updateBody);
    const prepared = await prepareChannelUpdate(c.var.deps, c.var.scope, id, body.channel);
    const row = c.var.deps.tx((tx) => updateInbox(tx, c.var.scope, id, body, prepared));
    return c.json(serializeInbox(withHours(c.var.deps.db, row), { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl }));
  })
  .delete("/:id", async (c) => {
    const id = idParam(c, "id");
    const { channel } = getInbox(c.var.deps.db, c.var.scope.account.id, id);
    const files = c.var.deps.tx((tx) => deleteInbox(tx, c.var.scope, id));
    await removeStored(c.var.deps.config.dataDir, files);
    await disconnectChannel(c.var.deps, channel);
    return c.body(null, 200);
  });
