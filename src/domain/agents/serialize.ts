import { availabilityStatus, availableName } from "../users/serialize.ts";
import type { AgentRow } from "./queries.ts";

/**
 * An account member as Chatwoot's api/v1/models/_agent partial renders it. `confirmed` is what the agents
 * list shows as Verified (true) or Verification Pending (false). `custom_role` is Parley's addition: the
 * role's name and permissions, so a client need not fetch the roles to show them.
 */
export function serializeAgent({ user, membership, customRole }: AgentRow) {
  return {
    id: user.id,
    account_id: membership.account_id,
    availability_status: availabilityStatus(membership),
    auto_offline: membership.auto_offline,
    confirmed: user.confirmed_at !== null,
    email: user.email,
    provider: "email",
    available_name: availableName(user),
    ...(Object.keys(user.custom_attributes).length ? { custom_attributes: user.custom_attributes } : {}),
    name: user.name,
    role: membership.role,
    thumbnail: user.avatar_url ?? "",
    custom_role_id: customRole?.id ?? null,
    custom_role: customRole
      ? { id: customRole.id, name: customRole.name, description: customRole.description, permissions: customRole.permissions }
      : null,
  };
}
