import type { CannedResponseRow } from "./queries.ts";

/** Chatwoot's CannedResponse as JSON (the model's attributes; timestamps as ISO 8601). */
export function cannedResponseJson(r: CannedResponseRow) {
  return {
    id: r.id,
    account_id: r.account_id,
    short_code: r.short_code,
    content: r.content,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}
