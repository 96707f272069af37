import { and, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { conversation_participants, conversations } from "../../db/schema/conversations.ts";
import { accessibleInboxIds, conversationReach, isAdministrator, memberTeamIds, type AccountScope } from "../accounts/access.ts";
import type { ConversationRow } from "./records.ts";

/**
 * Which conversations of the account an actor may see and work on. Administrators and agent bots see
 * all; agents see those of the inboxes they are members of and of their teams, narrowed by a custom
 * role's reach (Chatwoot's ConversationPolicy and Conversations::PermissionFilterService).
 */
export type ConversationAccess =
  | { kind: "all" }
  | {
      kind: "limited";
      userId: number;
      inboxIds: number[];
      teamIds: number[];
      reach: "all" | "unassigned_and_mine" | "mine_and_participating" | "none";
    };

export function conversationAccess(db: Db, scope: AccountScope): ConversationAccess {
  if (isAdministrator(scope) || scope.userId === null) return { kind: "all" };
  const inboxes = accessibleInboxIds(db, scope);
  if (inboxes === "all") return { kind: "all" };
  let reach: "all" | "unassigned_and_mine" | "mine_and_participating" | "none" = conversationReach(scope);
  if (reach === "mine_and_participating" && !scope.permissions.has("conversation_participating_manage")) reach = "none";
  return { kind: "limited", userId: scope.userId, inboxIds: inboxes, teamIds: memberTeamIds(db, scope), reach };
}

/** The access rule as a WHERE condition on conversations (undefined: no restriction). */
export function accessCondition(access: ConversationAccess): SQL | undefined {
  if (access.kind === "all") return undefined;
  if (access.reach === "none") return sql`0`;
  const place = or(
    access.inboxIds.length ? inArray(conversations.inbox_id, access.inboxIds) : undefined,
    access.teamIds.length ? inArray(conversations.team_id, access.teamIds) : undefined,
  );
  if (!place) return sql`0`;
  if (access.reach === "unassigned_and_mine") return and(place, or(isNull(conversations.assignee_id), eq(conversations.assignee_id, access.userId)));
  if (access.reach === "mine_and_participating") {
    const participating = sql`${conversations.id} IN (SELECT ${conversation_participants.conversation_id} FROM ${conversation_participants} WHERE ${conversation_participants.user_id} = ${access.userId})`;
    return and(place, or(eq(conversations.assignee_id, access.userId), participating));
  }
  return place;
}

export function canSeeConversation(db: Db, access: ConversationAccess, c: ConversationRow): boolean {
  if (access.kind === "all") return true;
  if (access.reach === "none") return false;
  const placed = access.inboxIds.includes(c.inbox_id) || (c.team_id != null && access.teamIds.includes(c.team_id));
  if (!placed) return false;
  if (access.reach === "all") return true;
  if (c.assignee_id === access.userId) return true;
  if (access.reach === "unassigned_and_mine") return c.assignee_id == null;
  return !!db
    .select({ id: conversation_participants.id })
    .from(conversation_participants)
    .where(and(eq(conversation_participants.conversation_id, c.id), eq(conversation_participants.user_id, access.userId)))
    .get();
}

/** Deleting a conversation is for administrators (Chatwoot's ConversationPolicy#destroy?). */
export function canDeleteConversation(scope: AccountScope): boolean {
  return isAdministrator(scope);
}
