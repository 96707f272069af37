import { Hono } from "hono";
import type { AppEnv } from "../../../deps.ts";
import { getVisibleAttachment } from "../../../domain/attachments/queries.ts";
import { INLINE_SAFE_TYPES, storagePath } from "../../../domain/attachments/storage.ts";
import { NotFound } from "../../../domain/errors.ts";
import { idParam } from "../../validate.ts";

/**
 * /api/v1/accounts/:account_id/attachments/:id — the bytes of a message attachment, for an actor who can see
 * its conversation. Only plain media and PDF render inline; anything else (HTML, SVG, …) is a download.
 */
export const attachmentRoutes = new Hono<AppEnv>().get("/:id", async (c) => {
  const row = getVisibleAttachment(c.var.deps.db, c.var.scope, idParam(c, "id"));
  const file = Bun.file(storagePath(c.var.deps.config.dataDir, row.storage_key!));
  if (!(await file.exists())) throw new NotFound("Attachment");
  const type = row.content_type ?? "application/octet-stream";
  const inline = INLINE_SAFE_TYPES.has(type);
  const name = encodeURIComponent(row.file_name ?? "file");
  return new Response(file, {
    headers: {
      "Content-Type": inline ? type : "application/octet-stream",
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${name}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, max-age=3600",
    },
  });
});
