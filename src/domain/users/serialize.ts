import { effectivePermissions } from "../accounts/access.ts";
import type { Membership, UserRow } from "./queries.ts";

export function availableName(user: Pick<UserRow, "name" | "display_name">): string {
  return user.display_name?.trim() || user.name;
}


/**
 * Presence-derived availability: an agent with auto_offline whose socket is gone counts as offline.
 * Until realtime presence exists, the configured availability is the status.
 */
export function availabilityStatus(m: Pick<Membership, "availability">): string {
  return m.availability;
}

/** The fields the profile and the Platform API share (api/v1/models/_user and platform/api/v1/models/_user). */
function userFields(user: UserRow, active: Membership | undefined, accessToken: string | null) {
  return {
    access_token: accessToken,
    account_id: active?.account_id ?? null,
    available_name: availableName(user),
    avatar_url: user.avatar_url ?? "",
    confirmed: user.confirmed_at !== null,
    display_name: user.display_name,
    message_signature: user.message_signature,
    email: user.email,
    id: user.id,
    name: user.name,
    provider: "email",
    pubsub_token: user.pubsub_token,
    ...(Object.keys(user.custom_attributes).length ? { custom_attributes: user.custom_attributes } : {}),
    role: active?.role ?? null,
    ui_settings: user.ui_settings,
    uid: user.email,
  };
}

function activeAt(m: Membership): string | null {
  return m.active_at === null ? null : new Date(m.active_at).toISOString();
}

/** The user as GET /api/v1/profile returns it (api/v1/models/_user). */
export function serializeUser(user: UserRow, memberships: Membership[], accessToken: string | null) {
  const active = memberships[0];
  return {
    ...userFields(user, active, accessToken),
    inviter_id: active?.inviter_id ?? null,
    type: user.type === "SuperAdmin" ? "SuperAdmin" : "User",
    accounts: memberships.map((m) => ({
      id: m.account_id,
      name: m.account_name,
      status: m.account_status,
      active_at: activeAt(m),
      role: m.role,
      permissions: effectivePermissions(m.role, m.custom_role_permissions),
      availability: m.availability,
      availability_status: availabilityStatus(m),
      auto_offline: m.auto_offline,
    })),
  };
}

/**
 * The user as the Platform API returns it (platform/api/v1/models/_user): like the profile, but each
 * account carries only id, name, active_at and role, and there is no type or inviter.
 */
export function serializePlatformUser(user: UserRow, memberships: Membership[], accessToken: string | null) {
  return {
    ...userFields(user, memberships[0], accessToken),
    accounts: memberships.map((m) => ({ id: m.account_id, name: m.account_name, active_at: activeAt(m), role: m.role })),
  };
}

/** Platform API users/{id}/token: the user's API token with a short summary of the user. */
export function serializePlatformUserToken(user: UserRow, accessToken: string) {
  return {
    access_token: accessToken,
    expiry: null,
    user: { id: user.id, name: user.name, display_name: user.display_name, email: user.email, pubsub_token: user.pubsub_token },
  };
}
