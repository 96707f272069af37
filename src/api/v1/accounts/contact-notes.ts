import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { createNote, deleteNote, updateNote } from "../../../domain/contacts/commands.ts";
import { getNote, listNotes } from "../../../domain/contacts/queries.ts";
import { serializeNotes } from "../../../domain/contacts/serialize.ts";
import { parseWith, idParam, readBody } from "../../validate.ts";

const noteFields = z.object({ content: z.string({ error: "can't be blank" }).max(1_000_000, "is too long (maximum is 1000000 characters)") });
/** Chatwoot accepts `{ note: { content } }` and `{ content }`. */
const noteBody = z
  .object({ note: z.unknown().optional() })
  .passthrough()
  .transform((b) => parseWith(noteFields, b.note ?? b));

/** /api/v1/accounts/:account_id/contacts/:contact_id/notes */
export const contactNoteRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const { db } = c.var.deps;
    return c.json(serializeNotes(db, c.var.scope.account.id, listNotes(db, c.var.scope, idParam(c, "contact_id"))));
  })
  .post("/", async (c) => {
    const contactId = idParam(c, "contact_id");
    const { content } = await readBody(c, noteBody);
    const note = c.var.deps.tx((tx) => createNote(tx, c.var.scope, contactId, content));
    return c.json(serializeNotes(c.var.deps.db, c.var.scope.account.id, [note])[0]);
  })
  .get("/:id", (c) => {
    const { db } = c.var.deps;
    const note = getNote(db, c.var.scope, idParam(c, "contact_id"), idParam(c, "id"));
    return c.json(serializeNotes(db, c.var.scope.account.id, [note])[0]);
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const [contactId, id] = [idParam(c, "contact_id"), idParam(c, "id")];
    const { content } = await readBody(c, noteBody);
    const note = c.var.deps.tx((tx) => updateNote(tx, c.var.scope, contactId, id, content));
    return c.json(serializeNotes(c.var.deps.db, c.var.scope.account.id, [note])[0]);
  })
  .delete("/:id", (c) => {
    const [contactId, id] = [idParam(c, "contact_id"), idParam(c, "id")];
    c.var.deps.tx((tx) => deleteNote(tx, c.var.scope, contactId, id));
    return c.body(null, 200);
  });
