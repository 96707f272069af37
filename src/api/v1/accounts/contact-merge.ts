import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { mergeContacts } from "../../../domain/contacts/merge.ts";
import { serializeContact } from "../../../domain/contacts/serialize.ts";
import { isAdministrator } from "../../../domain/accounts/access.ts";
import { bodyId } from "../../platform/fields.ts";
import { readBody } from "../../validate.ts";

const mergeBody = z.object({ base_contact_id: bodyId, mergee_contact_id: bodyId });

/** /api/v1/accounts/:account_id/actions/contact_merge: the merged base contact (api/v1/models/_contact). */
export const contactMergeRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const body = await readBody(c, mergeBody);
  const contact = c.var.deps.tx((tx) => mergeContacts(tx, c.var.scope, body.base_contact_id, body.mergee_contact_id));
  return c.json(serializeContact(contact, undefined, { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl }));
});
