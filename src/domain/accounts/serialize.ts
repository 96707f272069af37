import { isoTime } from "../../lib/clock.ts";
import { enabledFeatures } from "./features.ts";
import type { AccountRow } from "./queries.ts";
import type { AccountUserRow } from "../users/queries.ts";

/** The account as the Platform API returns it (platform/api/v1/models/_account). */
export function serializePlatformAccount(account: AccountRow) {
  return {
    id: account.id,
    name: account.name,
    locale: account.locale,
    domain: account.domain,
    support_email: account.support_email,
    enabled_features: enabledFeatures(account),
    custom_attributes: account.custom_attributes,
    limits: account.limits,
    status: account.status,
  };
}

/** An account_users row as Chatwoot renders the model itself (Platform API account_users). */
export function serializeAccountUser(row: AccountUserRow) {
  return {
    id: row.id,
    account_id: row.account_id,
    user_id: row.user_id,
    role: row.role,
    inviter_id: row.inviter_id,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    active_at: row.active_at === null ? null : isoTime(row.active_at),
    availability: row.availability,
    auto_offline: row.auto_offline,
  };
}

/** The account as GET/PATCH /api/v1/accounts/{id} return it (Chatwoot's api/v1/models/_account partial). */
export function serializeAccountDetails(account: AccountRow) {
  return {
    id: account.id,
    name: account.name,
    locale: account.locale,
    domain: account.domain,
    support_email: account.support_email,
    status: account.status,
    auto_resolve_duration: account.auto_resolve_duration,
    created_at: isoTime(account.created_at),
    custom_attributes: account.custom_attributes,
    settings: account.settings,
    features: enabledFeatures(account),
    latest_chatwoot_version: null,
  };
}
