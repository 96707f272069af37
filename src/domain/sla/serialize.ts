import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { sla_policies } from "../../db/schema/sla.ts";
import { unixSeconds } from "../../lib/clock.ts";
import type { ConversationRow } from "../conversations/records.ts";
import { slaDataFor, type AppliedSlaRow, type SlaEventRow } from "./engine.ts";
import type { SlaPolicyRow } from "./policies.ts";

/** AppliedSla#push_event_data. */
export function appliedSlaJson(a: AppliedSlaRow, p: SlaPolicyRow) {
  return {
    id: a.id,
    sla_id: a.sla_policy_id,
    sla_status: a.sla_status,
    created_at: unixSeconds(a.created_at),
    updated_at: unixSeconds(a.updated_at),
    sla_description: p.description,
    sla_name: p.name,
    sla_first_response_time_threshold: p.first_response_time_threshold,
    sla_next_response_time_threshold: p.next_response_time_threshold,
    sla_only_during_business_hours: p.only_during_business_hours,
    sla_resolution_time_threshold: p.resolution_time_threshold,
  };
}

/** SlaEvent#push_event_data. */
export function slaEventJson(e: SlaEventRow) {
  return {
    id: e.id,
    event_type: e.event_type,
    meta: e.meta,
    created_at: unixSeconds(e.created_at),
    updated_at: unixSeconds(e.updated_at),
  };
}

export type ConversationSlaJson = { applied_sla: ReturnType<typeof appliedSlaJson>; sla_events: ReturnType<typeof slaEventJson>[] };

/**
 * The SLA fields of conversation payloads (Chatwoot EE: `applied_sla`, `sla_events`) for the rows that have a
 * policy: three queries for the whole page, none at all when no row has an SLA (the message-create path).
 */
export function conversationSlaJson(db: Db, rows: Pick<ConversationRow, "id" | "sla_policy_id">[]): Map<number, ConversationSlaJson> {
  const out = new Map<number, ConversationSlaJson>();
  if (!rows.some((r) => r.sla_policy_id != null)) return out;
  const data = slaDataFor(db, rows);
  if (!data.size) return out;
  const policyIds = [...new Set([...data.values()].map((d) => d.applied.sla_policy_id))];
  const policies = new Map(db.select().from(sla_policies).where(inArray(sla_policies.id, policyIds)).all().map((p) => [p.id, p]));
  for (const [conversationId, d] of data) {
    const p = policies.get(d.applied.sla_policy_id);
    if (p) out.set(conversationId, { applied_sla: appliedSlaJson(d.applied, p), sla_events: d.events.map(slaEventJson) });
  }
  return out;
}
