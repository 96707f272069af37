import { isoTime } from "../../lib/clock.ts";
import type { CustomRoleRow } from "./queries.ts";

/** Chatwoot's api/v1/models/_custom_role partial. */
export function serializeCustomRole(role: CustomRoleRow) {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions,
    created_at: isoTime(role.created_at),
    updated_at: isoTime(role.updated_at),
  };
}
