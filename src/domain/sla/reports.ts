import { and, desc, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { taggings } from "../../db/schema/labels.ts";
import { applied_slas, sla_events, sla_policies } from "../../db/schema/sla.ts";
import { requireAdministrator, type AccountScope } from "../accounts/access.ts";
import { csvLine } from "../contacts/csv.ts";
import { Records } from "../conversations/records.ts";
import { labelList } from "../conversations/serialize.ts";
import { userPushData } from "../messages/push.ts";
import type { AppliedSlaRow } from "./engine.ts";
import { appliedSlaJson, slaEventJson } from "./serialize.ts";

export const APPLIED_SLAS_PER_PAGE = 25;
/** Statuses that count as a miss in the reports: ended missed, or still running with a target already missed. */
const MISSED: AppliedSlaRow["sla_status"][] = ["missed", "active_with_misses"];

export type AppliedSlaFilters = {
  since?: number;
  until?: number;
  inbox_id?: number;
  team_id?: number;
  sla_policy_id?: number;
  label_list?: string[];
  assigned_agent_id?: number;
};

/** The report's filters (Chatwoot's applied_slas scopes): period of application (unix seconds), inbox, team, policy, labels, agent. */
function conditions(scope: AccountScope, f: AppliedSlaFilters): SQL[] {
  const where: SQL[] = [eq(applied_slas.account_id, scope.account.id)];
  if (f.since != null) where.push(gte(applied_slas.created_at, f.since * 1000));
  if (f.until != null) where.push(lte(applied_slas.created_at, f.until * 1000));
  if (f.sla_policy_id != null) where.push(eq(applied_slas.sla_policy_id, f.sla_policy_id));
  if (f.inbox_id != null) where.push(eq(conversations.inbox_id, f.inbox_id));
  if (f.team_id != null) where.push(eq(conversations.team_id, f.team_id));
  if (f.assigned_agent_id != null) where.push(eq(conversations.assignee_id, f.assigned_agent_id));
  for (const label of f.label_list ?? []) {
    where.push(
      sql`EXISTS (SELECT 1 FROM ${taggings} WHERE ${taggings.taggable_type} = 'Conversation' AND ${taggings.taggable_id} = ${conversations.id} AND ${taggings.label} = ${label})`,
    );
  }
  return where;
}

function count(db: Db, where: SQL[]): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(applied_slas)
      .innerJoin(conversations, eq(conversations.id, applied_slas.conversation_id))
      .where(and(...where))
      .get()?.n ?? 0
  );
}

/** GET applied_slas/metrics: how many SLAs were applied, how many missed, and the hit rate ("100%" with no miss). */
export function appliedSlaMetrics(db: Db, scope: AccountScope, f: AppliedSlaFilters) {
  requireAdministrator(scope);
  const where = conditions(scope, f);
  const total = count(db, where);
  const misses = count(db, [...where, inArray(applied_slas.sla_status, MISSED)]);
  const rate = total === 0 || misses === 0 ? 100 : Math.round(((total - misses) / total) * 10_000) / 100;
  return { total_applied_slas: total, number_of_sla_misses: misses, hit_rate: `${rate}%` };
}

function missedRows(db: Db, scope: AccountScope, f: AppliedSlaFilters, page: number | null) {
  const where = [...conditions(scope, f), inArray(applied_slas.sla_status, MISSED)];
  const q = db
    .select({ applied: applied_slas, conversation: conversations, policy: sla_policies })
    .from(applied_slas)
    .innerJoin(conversations, eq(conversations.id, applied_slas.conversation_id))
    .innerJoin(sla_policies, eq(sla_policies.id, applied_slas.sla_policy_id))
    .where(and(...where))
    .orderBy(desc(applied_slas.created_at), desc(applied_slas.id));
  const rows = page == null ? q.all() : q.limit(APPLIED_SLAS_PER_PAGE).offset((page - 1) * APPLIED_SLAS_PER_PAGE).all();
  const ids = rows.map((r) => r.applied.id);
  const events = ids.length ? db.select().from(sla_events).where(inArray(sla_events.applied_sla_id, ids)).orderBy(sla_events.id).all() : [];
  return { rows, events, where };
}

/** GET applied_slas: the missed SLAs, 25 a page, with their conversation (display id, contact, labels, assignee) and events. */
export function listMissedAppliedSlas(db: Db, scope: AccountScope, f: AppliedSlaFilters, page: number, publicUrl = "") {
  requireAdministrator(scope);
  const { rows, events, where } = missedRows(db, scope, f, page);
  const records = new Records(db, scope.account.id, publicUrl);
  records.loadContacts(rows.map((r) => r.conversation.contact_id));
  records.loadUsers(rows.map((r) => r.conversation.assignee_id));
  return {
    payload: rows.map((r) => {
      const assignee = records.user(r.conversation.assignee_id);
      return {
        applied_sla: appliedSlaJson(r.applied, r.policy),
        conversation: {
          id: r.conversation.display_id,
          contact: { name: records.contact(r.conversation.contact_id)?.name ?? null },
          labels: labelList(r.conversation),
          ...(assignee?.membership ? { assignee: userPushData(assignee) } : {}),
        },
        sla_events: events.filter((e) => e.applied_sla_id === r.applied.id).map(slaEventJson),
      };
    }),
    meta: { count: count(db, where), current_page: page },
  };
}

/** GET applied_slas/download: the missed SLAs as breached_conversation.csv (Chatwoot's columns). */
export function missedAppliedSlasCsv(db: Db, scope: AccountScope, f: AppliedSlaFilters, publicUrl: string): string {
  requireAdministrator(scope);
  const { rows, events } = missedRows(db, scope, f, null);
  const records = new Records(db, scope.account.id, publicUrl);
  records.loadUsers(rows.map((r) => r.conversation.assignee_id));
  records.loadTeams(rows.map((r) => r.conversation.team_id));
  records.loadInboxes(rows.map((r) => r.conversation.inbox_id));
  let out = csvLine(["Conversation ID", "SLA Policy Breached", "Assignee", "Team", "Inbox", "Labels", "Conversation Link", "Breached Events"]);
  for (const r of rows) {
    const c = r.conversation;
    const assignee = records.user(c.assignee_id);
    out += csvLine([
      c.display_id,
      r.policy.name,
      assignee?.membership ? assignee.user.name : "",
      records.team(c.team_id)?.name ?? "",
      records.inbox(c.inbox_id)?.inbox.name ?? "",
      labelList(c).join(", "),
      `${publicUrl}/app/accounts/${c.account_id}/conversations/${c.display_id}`,
      events
        .filter((e) => e.applied_sla_id === r.applied.id)
        .map((e) => e.event_type)
        .join(", "),
    ]);
  }
  return out;
}
