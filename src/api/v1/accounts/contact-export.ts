import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { contactExportChunks, exportColumns } from "../../../domain/contacts/export.ts";
import { readBody } from "../../validate.ts";

const exportBody = z.object({
  column_names: z.array(z.string({ error: "must be an array of column names" }).max(100)).max(50).optional(),
  payload: z.array(z.unknown(), { error: "must be an array of filter conditions" }).optional(),
});

/**
 * POST /api/v1/accounts/:account_id/contacts/export (administrators): `column_names` (default: all) and an
 * optional filter `payload` as POST /contacts/filter takes it. Chatwoot mails a download link from a
 * background job; Parley answers with the CSV itself (streamed), which a client that ignores the body also accepts.
 */
export async function exportContacts(c: Context<AppEnv>) {
  const body = await readBody(c, exportBody);
  const columns = exportColumns(body.column_names);
  const now = c.var.deps.clock.now();
  const next = contactExportChunks(c.var.deps.db, c.var.scope, body.payload?.length ? { payload: body.payload } : {}, now, columns);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = next();
      if (piece === null) controller.close();
      else controller.enqueue(encoder.encode(piece));
    },
  });
  return c.body(stream, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="contacts-${new Date(now).toISOString().slice(0, 10)}.csv"`,
    "X-Content-Type-Options": "nosniff",
  });
}
