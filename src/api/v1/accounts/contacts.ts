import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { removeStored } from "../../../domain/attachments/storage.ts";
import { isAdministrator } from "../../../domain/accounts/access.ts";
import { createContact, createContactInbox, deleteContact, removeContactAvatar, removeCustomAttributes, setContactLabels, updateContact } from "../../../domain/contacts/commands.ts";
import {
  contactableInboxes,
  contactConversations,
  contactInboxesFor,
  contactLabels,
  filterContacts,
  getVisibleContact,
  listContacts,
  searchContacts,
  type ContactPage,
} from "../../../domain/contacts/queries.ts";
import { serializeContact, serializeContactInbox, serializeContacts } from "../../../domain/contacts/serialize.ts";
import { Records } from "../../../domain/conversations/records.ts";
import { conversationsJson } from "../../../domain/conversations/serialize.ts";
import { getInbox } from "../../../domain/inboxes/queries.ts";
import { serializeInbox } from "../../../domain/inboxes/serialize.ts";
import { bodyId, jsonObject } from "../../platform/fields.ts";
import { optionalHttpUrl } from "../../../channels/url.ts";
import { idParam, readBody, readQuery } from "../../validate.ts";
import { importContacts } from "./contact-import.ts";
import { exportContacts } from "./contact-export.ts";

const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: "must be true or false" }));
/** Rails casts numbers in string fields; so do we. */
const str = (max: number) =>
  z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string({ error: "must be a string" }).max(max, `is too long (maximum is ${max} characters)`));

const fields = {
  name: str(255).nullable().optional(),
  email: str(254).nullable().optional(),
  phone_number: str(32).nullable().optional(),
  identifier: str(255).nullable().optional(),
  avatar_url: optionalHttpUrl().optional(),
  blocked: bool.optional(),
  additional_attributes: jsonObject.optional(),
  custom_attributes: jsonObject.optional(),
};
const createBody = z.object({ ...fields, inbox_id: bodyId.optional(), source_id: str(255).nullable().optional() });
const updateBody = z.object(fields);
const listQuery = z.object({
  page: z.coerce.number({ error: "must be a positive integer" }).int("must be a positive integer").min(1, "must be a positive integer").max(1_000_000).default(1),
  sort: z.string().max(40).optional(),
  q: z.string().max(500).optional(),
  include_contact_inboxes: z.enum(["true", "false"]).optional(),
});

function render(c: Context<AppEnv>, result: ContactPage) {
  const query = readQuery(c, listQuery);
  const payload = serializeContacts(c.var.deps.db, c.var.scope.account.id, result.rows, {
    withContactInboxes: query.include_contact_inboxes !== "false",
    viewer: { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl },
  });
  return c.json({ meta: { count: result.count, current_page: result.page }, payload });
}

/** One contact as show/update render it; `withSessions` false or ?include_contact_inboxes=false leave sessions out. */
function renderOne(c: Context<AppEnv>, contactId: number, withSessions = true) {
  const { db } = c.var.deps;
  const contact = getVisibleContact(db, c.var.scope, contactId);
  const include = withSessions && c.req.query("include_contact_inboxes") !== "false";
  const sessions = include ? (contactInboxesFor(db, c.var.scope.account.id, [contact.id]).get(contact.id) ?? []) : undefined;
  return serializeContact(contact, sessions, { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl });
}

/** /api/v1/accounts/:account_id/contacts */
export const contactRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const q = readQuery(c, listQuery);
    const labels = [...c.req.queries("labels[]") ?? [], ...c.req.queries("labels") ?? []].slice(0, 100);
    return render(c, listContacts(c.var.deps.db, c.var.scope, { page: q.page, sort: q.sort, labels }));
  })
  .get("/search", (c) => {
    const q = readQuery(c, listQuery);
    return render(c, searchContacts(c.var.deps.db, c.var.scope, q.q ?? "", { page: q.page, sort: q.sort }));
  })
  .post("/filter", async (c) => {
    const q = readQuery(c, listQuery);
    const body = await readBody(c, z.object({ payload: z.unknown() }));
    return render(c, filterContacts(c.var.deps.db, c.var.scope, body.payload, { page: q.page, sort: q.sort, now: c.var.deps.clock.now() }));
  })
  .post("/import", importContacts)
  .post("/export", exportContacts)
  .post("/", async (c) => {
    const body = await readBody(c, createBody);
    const { contact, contactInbox } = c.var.deps.tx((tx) => createContact(tx, c.var.scope, body));
    const viewer = { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl };
    const inbox = contactInbox ? serializeInbox(getInbox(c.var.deps.db, c.var.scope.account.id, contactInbox.inbox_id), viewer) : null;
    return c.json({ payload: { contact: renderOne(c, contact.id), contact_inbox: { inbox, source_id: contactInbox?.source_id ?? null } } });
  })
  .get("/:id", (c) => c.json({ payload: renderOne(c, idParam(c, "id")) }))
  .on(["PUT", "PATCH"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, updateBody);
    c.var.deps.tx((tx) => updateContact(tx, c.var.scope, id, body));
    return c.json({ payload: renderOne(c, id) });
  })
  .delete("/:id", async (c) => {
    const id = idParam(c, "id");
    const files = c.var.deps.tx((tx) => deleteContact(tx, c.var.scope, id));
    await removeStored(c.var.deps.config.dataDir, files);
    return c.body(null, 200);
  })
  .get("/:id/conversations", (c) => {
    const { db, config } = c.var.deps;
    const rows = contactConversations(db, c.var.scope, idParam(c, "id"));
    return c.json({ payload: conversationsJson(new Records(db, c.var.scope.account.id, config.publicUrl), rows, c.var.scope.userId) });
  })
  .post("/:id/contact_inboxes", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, z.object({ inbox_id: bodyId, source_id: str(255).nullable().optional() }));
    const row = c.var.deps.tx((tx) => createContactInbox(tx, c.var.scope, id, body));
    const inbox = getInbox(c.var.deps.db, c.var.scope.account.id, row.inbox_id);
    return c.json(serializeContactInbox({ contactInbox: row, inbox }, { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl }));
  })
  .get("/:id/contactable_inboxes", (c) => {
    const viewer = { administrator: isAdministrator(c.var.scope), publicUrl: c.var.deps.config.publicUrl };
    const rows = contactableInboxes(c.var.deps.db, c.var.scope, idParam(c, "id"));
    return c.json({ payload: rows.map((r) => ({ inbox: serializeInbox(r.inbox, viewer), source_id: r.source_id })) });
  })
  .post("/:id/destroy_custom_attributes", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, z.object({ custom_attributes: z.array(str(255), { error: "must be an array of attribute keys" }).max(200) }));
    c.var.deps.tx((tx) => removeCustomAttributes(tx, c.var.scope, id, body.custom_attributes));
    return c.json({ payload: renderOne(c, id) });
  })
  .delete("/:id/avatar", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => removeContactAvatar(tx, c.var.scope, id));
    return c.json({ payload: renderOne(c, id, false) });
  })
  .get("/:id/labels", (c) => c.json({ payload: contactLabels(c.var.deps.db, c.var.scope, idParam(c, "id")) }))
  .post("/:id/labels", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, z.object({ labels: z.array(str(255), { error: "must be an array of label titles" }).max(100) }));
    return c.json({ payload: c.var.deps.tx((tx) => setContactLabels(tx, c.var.scope, id, body.labels)) });
  });
