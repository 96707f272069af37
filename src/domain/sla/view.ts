import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { sla_policies, type SlaEventType } from "../../db/schema/sla.ts";
import type { ConversationRow } from "../conversations/records.ts";
import type { BusinessHoursInbox } from "../inboxes/business-hours.ts";
import { dueTimes, hoursFor, slaDataFor, type AppliedSlaRow, type SlaEventRow } from "./engine.ts";
import type { SlaPolicyRow } from "./policies.ts";

/** How a conversation stands against its SLA, for the list badge and the sidebar card. */
export type SlaState = "on_time" | "due_soon" | "missed" | "hit";

/** A running target: due at `dueAt`, "due soon" from `soonAt` on. */
export type SlaTargetView = { type: SlaEventType; label: string; dueAt: number; soonAt: number; state: Exclude<SlaState, "hit"> };

export type SlaView = {
  policyId: number;
  policyName: string;
  status: AppliedSlaRow["sla_status"];
  state: SlaState;
  /** "First response due in 42m", "Next response overdue by 5m", "Hit", "Missed". */
  headline: string;
  /** The targets running now, soonest first. */
  targets: SlaTargetView[];
  /** The misses so far (sla_events), oldest first. */
  misses: { type: SlaEventType; label: string; at: number }[];
  businessHoursOnly: boolean;
};

/** Less than this share of a target's time left: "due soon". */
export const DUE_SOON_SHARE = 0.25;

const TARGET_LABEL: Record<SlaEventType, string> = { frt: "First response", nrt: "Next response", rt: "Resolution" };

/** A duration as agents read it at a glance: "45s", "42m", "3h 5m", "2d 4h". */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/**
 * The view of one applied SLA at `now`. A target runs while it can still be met or missed (first response until
 * the first reply, next response while the customer waits after it, resolution until resolved); it is "due soon"
 * when less than a quarter of its threshold is left (in clock time, also for business-hours policies) and
 * "missed" once past due. The state is the most urgent running target's, else the SLA's outcome.
 */
export function slaViewOf(
  policy: SlaPolicyRow,
  applied: AppliedSlaRow,
  events: SlaEventRow[],
  conv: Pick<ConversationRow, "created_at" | "first_reply_created_at" | "waiting_since" | "status">,
  hours: BusinessHoursInbox | null,
  now: number,
): SlaView {
  const due = dueTimes(policy, conv, hours);
  const resolved = conv.status === "resolved";
  const thresholds: Record<SlaEventType, number | null> = {
    frt: policy.first_response_time_threshold,
    nrt: policy.next_response_time_threshold,
    rt: policy.resolution_time_threshold,
  };
  const running: SlaEventType[] = [];
  if (!resolved && due.frt != null && conv.first_reply_created_at == null) running.push("frt");
  if (!resolved && due.nrt != null) running.push("nrt");
  if (!resolved && due.rt != null) running.push("rt");
  const targets = running
    .map((type): SlaTargetView => {
      const dueAt = due[type]!;
      const soonAt = dueAt - Math.round((thresholds[type] ?? 0) * 1000 * DUE_SOON_SHARE);
      const state = now >= dueAt ? "missed" : now > soonAt ? "due_soon" : "on_time";
      return { type, label: TARGET_LABEL[type], dueAt, soonAt, state };
    })
    .sort((a, b) => a.dueAt - b.dueAt);
  const misses = events.map((e) => ({ type: e.event_type, label: TARGET_LABEL[e.event_type], at: e.created_at }));
  let state: SlaState;
  let headline: string;
  const first = targets[0];
  if (applied.sla_status === "hit" || applied.sla_status === "missed" || !first) {
    state = applied.sla_status === "hit" || (applied.sla_status === "active" && !misses.length) ? "hit" : "missed";
    headline = state === "hit" ? "Hit" : "Missed";
  } else {
    state = targets.some((t) => t.state === "missed") ? "missed" : targets.some((t) => t.state === "due_soon") ? "due_soon" : "on_time";
    const left = first.dueAt - now;
    headline = left > 0 ? `${first.label} due in ${shortDuration(left)}` : `${first.label} overdue by ${shortDuration(-left)}`;
  }
  return {
    policyId: policy.id,
    policyName: policy.name,
    status: applied.sla_status,
    state,
    headline,
    targets,
    misses,
    businessHoursOnly: policy.only_during_business_hours,
  };
}

/** The SLA views of a page of conversations (none and no query when no row has an SLA). */
export function slaViewsFor(db: Db, rows: ConversationRow[], now: number): Map<number, SlaView> {
  const out = new Map<number, SlaView>();
  if (!rows.some((r) => r.sla_policy_id != null)) return out;
  const data = slaDataFor(db, rows);
  if (!data.size) return out;
  const policyIds = [...new Set([...data.values()].map((d) => d.applied.sla_policy_id))];
  const policies = new Map(db.select().from(sla_policies).where(inArray(sla_policies.id, policyIds)).all().map((p) => [p.id, p]));
  const hoursCache = new Map<string, BusinessHoursInbox | null>();
  for (const row of rows) {
    const d = data.get(row.id);
    const policy = d ? policies.get(d.applied.sla_policy_id) : undefined;
    if (!d || !policy) continue;
    const key = `${policy.id}:${row.inbox_id}`;
    if (!hoursCache.has(key)) hoursCache.set(key, hoursFor(db, policy, row.inbox_id));
    out.set(row.id, slaViewOf(policy, d.applied, d.events, row, hoursCache.get(key) ?? null, now));
  }
  return out;
}
