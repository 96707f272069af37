import type { attachments } from "../../db/schema/conversations.ts";

export type AttachmentRow = typeof attachments.$inferSelect;

/** The unguessable part of a stored attachment's key (`attachments/<32 random characters>`): its capability. */
export function attachmentCapability(storageKey: string): string {
  return storageKey.slice(storageKey.lastIndexOf("/") + 1);
}

/**
 * An attachment's `data_url`: a capability URL (as Chatwoot's blob URLs are) that works without an API token, so the
 * website visitor's browser, webhook receivers and bots can fetch the file; src/web/files.ts serves it. The account
 * API's /attachments/{id} still serves it to signed-in agents and API tokens.
 */
export function attachmentUrl(publicUrl: string, row: Pick<AttachmentRow, "id" | "storage_key" | "file_name">): string {
  return `${publicUrl}/files/${row.id}/${attachmentCapability(row.storage_key ?? "")}/${encodeURIComponent(row.file_name || "file")}`;
}

/** Chatwoot's Attachment#push_event_data: base fields plus what the file type carries. */
export function attachmentPushData(row: AttachmentRow, publicUrl: string) {
  const base = { id: row.id, message_id: row.message_id, file_type: row.file_type, account_id: row.account_id };
  if (row.file_type === "location") {
    return { ...base, coordinates_lat: row.coordinates_lat, coordinates_long: row.coordinates_long, fallback_title: row.fallback_title, data_url: row.external_url };
  }
  if (row.file_type === "fallback") return { ...base, fallback_title: row.fallback_title, data_url: row.external_url };
  // A shared contact card (WhatsApp, Telegram): Chatwoot's contact_metadata.
  if (row.file_type === "contact") return { ...base, fallback_title: row.fallback_title, meta: row.meta ?? {}, data_url: "" };
  const url = row.storage_key ? attachmentUrl(publicUrl, row) : (row.external_url ?? "");
  const meta = row.meta as { width?: number; height?: number };
  return {
    ...base,
    extension: row.extension,
    data_url: url,
    thumb_url: row.file_type === "image" ? url : "",
    file_size: row.byte_size ?? 0,
    width: meta.width ?? null,
    height: meta.height ?? null,
  };
}
