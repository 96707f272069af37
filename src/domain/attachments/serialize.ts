import type { attachments } from "../../db/schema/conversations.ts";

export type AttachmentRow = typeof attachments.$inferSelect;

/** Where an attachment's bytes are served (authenticated: the account's API token or session). */
export function attachmentUrl(publicUrl: string, row: Pick<AttachmentRow, "account_id" | "id">): string {
  return `${publicUrl}/api/v1/accounts/${row.account_id}/attachments/${row.id}`;
}

/** Chatwoot's Attachment#push_event_data: base fields plus what the file type carries. */
export function attachmentPushData(row: AttachmentRow, publicUrl: string) {
  const base = { id: row.id, message_id: row.message_id, file_type: row.file_type, account_id: row.account_id };
  if (row.file_type === "location") {
    return { ...base, coordinates_lat: row.coordinates_lat, coordinates_long: row.coordinates_long, fallback_title: row.fallback_title, data_url: row.external_url };
  }
  if (row.file_type === "fallback") return { ...base, fallback_title: row.fallback_title, data_url: row.external_url };
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
