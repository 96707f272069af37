import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { attachments } from "../db/schema/conversations.ts";
import type { AppEnv } from "../deps.ts";
import { attachmentCapability } from "../domain/attachments/serialize.ts";
import { INLINE_SAFE_TYPES, storagePath } from "../domain/attachments/storage.ts";
import { safeEqual } from "../lib/crypto.ts";

function notFound() {
  return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });
}

/**
 * /files/{id}/{capability}/{name} — an attachment's bytes for whoever holds its URL (the `data_url` of messages and
 * webhook payloads). The capability is the random part of its storage key, compared in constant time; only plain
 * media and PDF render inline, never in the page's context (sandbox), and the URL is not sent on as a referrer.
 */
export const fileRoutes = new Hono<AppEnv>().get("/files/:id{[0-9]{1,15}}/:capability/:name?", async (c) => {
  const row = c.var.deps.db.select().from(attachments).where(eq(attachments.id, Number(c.req.param("id")))).get();
  if (!row?.storage_key || !safeEqual(c.req.param("capability"), attachmentCapability(row.storage_key))) return notFound();
  const file = Bun.file(storagePath(c.var.deps.config.dataDir, row.storage_key));
  if (!(await file.exists())) return notFound();
  const type = row.content_type ?? "application/octet-stream";
  const inline = INLINE_SAFE_TYPES.has(type);
  return new Response(file, {
    headers: {
      "Content-Type": inline ? type : "application/octet-stream",
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(row.file_name ?? "file")}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Referrer-Policy": "no-referrer",
      "Cross-Origin-Resource-Policy": "cross-origin",
      "Cache-Control": "private, max-age=3600",
    },
  });
});
