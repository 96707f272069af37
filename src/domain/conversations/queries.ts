import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import { CONVERSATION_STATUSES, PRIORITIES, conversation_participants, conversations, mentions } from "../../db/schema/conversations.ts";
import { taggings } from "../../db/schema/labels.ts";
import { teams } from "../../db/schema/teams.ts";
import type { AccountScope } from "../accounts/access.ts";
import { NotFound } from "../errors.ts";
import { accessCondition, canSeeConversation, conversationAccess, type ConversationAccess } from "./policy.ts";
import type { ConversationRow } from "./records.ts";

export const PER_PAGE = 25;

export const SORTS = {
  last_activity_at_desc: [desc(conversations.last_activity_at), desc(conversations.id)],
  last_activity_at_asc: [asc(conversations.last_activity_at), asc(conversations.id)],
  created_at_desc: [desc(conversations.created_at), desc(conversations.id)],
  created_at_asc: [asc(conversations.created_at), asc(conversations.id)],
  priority_desc: [sql`${conversations.priority} DESC NULLS LAST`, desc(conversations.last_activity_at), desc(conversations.id)],
  priority_asc: [sql`${conversations.priority} ASC NULLS LAST`, desc(conversations.last_activity_at), desc(conversations.id)],
  waiting_since_asc: [sql`${conversations.waiting_since} ASC NULLS LAST`, asc(conversations.created_at), asc(conversations.id)],
  waiting_since_desc: [sql`${conversations.waiting_since} DESC NULLS LAST`, asc(conversations.created_at), asc(conversations.id)],
  // Chatwoot's older names, still accepted by its finder.
  latest: [desc(conversations.last_activity_at), desc(conversations.id)],
  sort_on_created_at: [asc(conversations.created_at), asc(conversations.id)],
  sort_on_priority: [sql`${conversations.priority} DESC NULLS LAST`, desc(conversations.last_activity_at), desc(conversations.id)],
  sort_on_waiting_since: [sql`${conversations.waiting_since} ASC NULLS LAST`, asc(conversations.created_at), asc(conversations.id)],
} as const;
export type SortKey = keyof typeof SORTS;

export type ConversationListParams = {
  assignee_type?: "me" | "unassigned" | "assigned" | "all";
  status?: (typeof CONVERSATION_STATUSES)[number] | "all";
  inbox_id?: number;
  team_id?: number;
  labels?: string[];
  q?: string;
  page?: number;
  sort_by?: SortKey;
  conversation_type?: "mention" | "participating" | "unattended";
  source_id?: string;
  /** A Parley addition for the dashboard list: one priority, or "none" for conversations without one. */
  priority?: (typeof PRIORITIES)[number] | "none";
  /** A Parley addition: rows per page (the dashboard refreshes the pages it has loaded in one request). */
  per_page?: number;
  /** A Parley addition: a filter-engine condition on top (the dashboard's saved views). */
  condition?: SQL;
};

export type ConversationCounts = { mine_count: number; assigned_count: number; unassigned_count: number; all_count: number };

// Raw: every request on a conversation starts here.
const conversationByDisplayId = preparedFor((db) =>
  db.$client.prepare<Omit<ConversationRow, "additional_attributes" | "custom_attributes"> & { additional_attributes: string; custom_attributes: string }, [number, number]>(
    "SELECT * FROM conversations WHERE account_id = ?1 AND display_id = ?2",
  ),
);

/** A conversation of the account by its display id, or undefined (no visibility check). */
export function findConversation(db: Db, accountId: number, displayId: number): ConversationRow | undefined {
  const row = conversationByDisplayId(db).get(accountId, displayId);
  if (!row) return undefined;
  return { ...row, additional_attributes: JSON.parse(row.additional_attributes), custom_attributes: JSON.parse(row.custom_attributes) };
}

/** The conversation if the actor may see it; otherwise (and for other accounts' ids) NotFound. */
export function getVisibleConversation(db: Db, scope: AccountScope, displayId: number, access = conversationAccess(db, scope)): ConversationRow {
  const c = findConversation(db, scope.account.id, displayId);
  if (!c || !canSeeConversation(db, access, c)) throw new NotFound("Conversation");
  return c;
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** The WHERE of ConversationFinder before the assignee_type filter (which only splits the counts). */
function baseConditions(db: Db, scope: AccountScope, access: ConversationAccess, p: ConversationListParams, userId: number | null): SQL[] {
  const where: (SQL | undefined)[] = [eq(conversations.account_id, scope.account.id), accessCondition(access)];
  if (p.inbox_id !== undefined) where.push(eq(conversations.inbox_id, p.inbox_id));
  if (p.team_id !== undefined) {
    const team = db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.id, p.team_id), eq(teams.account_id, scope.account.id)))
      .get();
    if (!team) throw new NotFound("Team");
    where.push(eq(conversations.team_id, p.team_id));
  }
  if (!p.q && p.status !== "all") where.push(eq(conversations.status, p.status ?? "open"));
  if (p.labels?.length) {
    where.push(
      sql`${conversations.id} IN (SELECT ${taggings.taggable_id} FROM ${taggings} WHERE ${taggings.account_id} = ${scope.account.id} AND ${taggings.taggable_type} = 'Conversation' AND ${inArray(taggings.label, p.labels)})`,
    );
  }
  if (p.q) {
    where.push(
      sql`EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = ${conversations.id} AND m.message_type IN (0, 1) AND m.content LIKE ${likePattern(p.q)} ESCAPE '\\')`,
    );
  }
  if (p.condition) where.push(p.condition);
  if (p.priority === "none") where.push(isNull(conversations.priority));
  else if (p.priority) where.push(eq(conversations.priority, PRIORITIES.indexOf(p.priority)));
  if (p.source_id) {
    where.push(sql`${conversations.contact_inbox_id} IN (SELECT id FROM contact_inboxes WHERE source_id = ${p.source_id})`);
  }
  if (p.conversation_type === "mention") {
    where.push(
      userId === null
        ? sql`0`
        : sql`${conversations.id} IN (SELECT ${mentions.conversation_id} FROM ${mentions} WHERE ${mentions.user_id} = ${userId} AND ${mentions.account_id} = ${scope.account.id})`,
    );
  } else if (p.conversation_type === "participating") {
    where.push(
      userId === null
        ? sql`0`
        : sql`${conversations.id} IN (SELECT ${conversation_participants.conversation_id} FROM ${conversation_participants} WHERE ${conversation_participants.user_id} = ${userId} AND ${conversation_participants.account_id} = ${scope.account.id})`,
    );
  } else if (p.conversation_type === "unattended") {
    where.push(or(isNull(conversations.first_reply_created_at), isNotNull(conversations.waiting_since)));
  }
  return where.filter((w): w is SQL => !!w);
}

function assigneeCondition(p: ConversationListParams, userId: number | null): SQL | undefined {
  switch (p.assignee_type) {
    case "me":
      return userId === null ? sql`0` : eq(conversations.assignee_id, userId);
    case "unassigned":
      return isNull(conversations.assignee_id);
    case "assigned":
      return isNotNull(conversations.assignee_id);
    default:
      return undefined;
  }
}

/**
 * The meta counts, as three counts that each walk one index ((account, status, activity) for all,
 * (account, assignee, status) for unassigned and mine) instead of reading every row.
 */
function countsFor(db: Db, where: SQL[], userId: number | null, onePass = false): ConversationCounts {
  if (onePass) {
    // An agent's access condition (inbox IN … OR team IN …) is evaluated per index entry: one pass for all three.
    const row = db
      .select({
        all: sql<number>`count(*)`,
        unassigned: sql<number>`coalesce(sum(${conversations.assignee_id} IS NULL), 0)`,
        mine: sql<number>`coalesce(sum(${conversations.assignee_id} = ${userId ?? -1}), 0)`,
      })
      .from(conversations)
      .where(and(...where))
      .get()!;
    return { mine_count: row.mine, assigned_count: row.all - row.unassigned, unassigned_count: row.unassigned, all_count: row.all };
  }
  const count = (extra?: SQL) =>
    db
      .select({ n: sql<number>`count(*)` })
      .from(conversations)
      .where(and(...where, extra))
      .get()!.n;
  const all = count();
  const unassigned = all === 0 ? 0 : count(isNull(conversations.assignee_id));
  const mine = all === 0 || userId === null ? 0 : count(eq(conversations.assignee_id, userId));
  return { mine_count: mine, assigned_count: all - unassigned, unassigned_count: unassigned, all_count: all };
}

/** ConversationFinder#perform: one page of conversations and Chatwoot's meta counts. */
export function listConversations(db: Db, scope: AccountScope, p: ConversationListParams): { rows: ConversationRow[]; counts: ConversationCounts } {
  const access = conversationAccess(db, scope);
  const where = baseConditions(db, scope, access, p, scope.userId);
  const counts = countsFor(db, where, scope.userId, access.kind === "limited");
  const assignee = assigneeCondition(p, scope.userId);
  const page = p.page ?? 1;
  const perPage = p.per_page ?? PER_PAGE;
  const rows = db
    .select()
    .from(conversations)
    .where(and(...where, assignee))
    .orderBy(...SORTS[p.sort_by ?? "last_activity_at_desc"])
    .limit(perPage)
    .offset((page - 1) * perPage)
    .all();
  return { rows, counts };
}

/** ConversationFinder#perform_meta_only. */
export function conversationMeta(db: Db, scope: AccountScope, p: ConversationListParams): ConversationCounts {
  const access = conversationAccess(db, scope);
  return countsFor(db, baseConditions(db, scope, access, p, scope.userId), scope.userId, access.kind === "limited");
}

/** Conversations matching a filter condition built by the filter engine, with the same paging and counts. */
export function filterConversations(db: Db, scope: AccountScope, condition: SQL | undefined, page: number) {
  const access = conversationAccess(db, scope);
  const where = [eq(conversations.account_id, scope.account.id), accessCondition(access), condition].filter((w): w is SQL => !!w);
  const counts = countsFor(db, where, scope.userId, access.kind === "limited");
  const rows = db
    .select()
    .from(conversations)
    .where(and(...where))
    .orderBy(...SORTS.last_activity_at_desc)
    .limit(PER_PAGE)
    .offset((page - 1) * PER_PAGE)
    .all();
  return { rows, counts };
}

export function participantIds(db: Db, conversationId: number): number[] {
  return db
    .select({ id: conversation_participants.user_id })
    .from(conversation_participants)
    .where(eq(conversation_participants.conversation_id, conversationId))
    .orderBy(asc(conversation_participants.id))
    .all()
    .map((r) => r.id);
}
