import type { Context } from "hono";
import type { AppEnv } from "../../../deps.ts";
import { startContactImport } from "../../../domain/contacts/import.ts";
import { Validation } from "../../../domain/errors.ts";

/**
 * POST /api/v1/accounts/:account_id/contacts/import (Chatwoot's DataImport): multipart `import_file`, a CSV
 * with a header row; administrators only. The rows are imported by a background job; like Chatwoot the
 * answer is an empty 200 once the file is accepted.
 */
export async function importContacts(c: Context<AppEnv>) {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("multipart/form-data")) throw Validation.field("import_file", "must be sent as multipart/form-data");
  const body = await c.req.parseBody();
  const file = body.import_file;
  if (!(file instanceof File) || file.size === 0) throw Validation.field("import_file", "File is blank");
  const text = await file.text();
  c.var.deps.tx((tx) => startContactImport(tx, c.var.scope, { name: file.name, text, bytes: file.size }));
  return c.body(null, 200);
}
