// Bulk actions on conversations (Chatwoot's POST /bulk_actions with type=Conversation, and the workspace's selection
// bar): status (with snoozed_until), assignee, team, labels to add and remove, on up to MAX_BULK conversations in one
// transaction. Each conversation goes through the same domain functions as the single-conversation endpoints.
// Conversations the actor cannot see, or cannot be given the chosen assignee (not a member of their inbox), are
// skipped whole — checked before anything is written — and reported; the others are changed.
import { and, eq } from "drizzle-orm";
import { account_users } from "../../db/schema/accounts.ts";
import type { CONVERSATION_STATUSES } from "../../db/schema/conversations.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { teams } from "../../db/schema/teams.ts";
import type { Tx } from "../../db/tx.ts";
import type { AccountScope } from "../accounts/access.ts";
import { isAssignable } from "../assignment/round-robin.ts";
import { NotFound, Validation } from "../errors.ts";
import { setConversationLabels } from "../labels/commands.ts";
import { authorizeLabelWrite } from "../labels/policy.ts";
import { assignConversation, toggleStatus } from "./commands.ts";
import { canSeeConversation, conversationAccess } from "./policy.ts";
import { findConversation } from "./queries.ts";
import { labelList } from "./serialize.ts";

export const MAX_BULK = 100;

export type BulkChanges = {
  status?: (typeof CONVERSATION_STATUSES)[number];
  snoozed_until?: number | null;
  assignee_id?: number | null;
  team_id?: number | null;
  labels?: { add?: string[]; remove?: string[] };
};

export type BulkResult = { updated: number[]; skipped: { id: number; reason: string }[] };

export function bulkUpdateConversations(tx: Tx, scope: AccountScope, displayIds: number[], changes: BulkChanges): BulkResult {
  const ids = [...new Set(displayIds)];
  if (!ids.length) throw Validation.field("ids", "can't be blank");
  if (ids.length > MAX_BULK) throw Validation.field("ids", `at most ${MAX_BULK} conversations at once`);
  const accountId = scope.account.id;
  // What is the same for every conversation is checked once, up front: nothing is written if it fails.
  if (changes.assignee_id != null) {
    const member = tx.db
      .select({ id: account_users.id })
      .from(account_users)
      .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, changes.assignee_id)))
      .get();
    if (!member) throw new NotFound("User");
  }
  if (changes.team_id != null && !tx.db.select({ id: teams.id }).from(teams).where(and(eq(teams.id, changes.team_id), eq(teams.account_id, accountId))).get()) {
    throw new NotFound("Team");
  }
  if (changes.status === "snoozed" && changes.snoozed_until != null && changes.snoozed_until <= tx.now) throw Validation.field("snoozed_until", "must be in the future");
  const add = changes.labels?.add ?? [];
  const remove = new Set(changes.labels?.remove ?? []);
  if (add.length || remove.size) authorizeLabelWrite(scope);

  const access = conversationAccess(tx.db, scope);
  const result: BulkResult = { updated: [], skipped: [] };
  for (const id of ids) {
    const c = findConversation(tx.db, accountId, id);
    if (!c || !canSeeConversation(tx.db, access, c)) {
      result.skipped.push({ id, reason: "not found" });
      continue;
    }
    if (changes.assignee_id != null) {
      const inbox = tx.db.select().from(inboxes).where(eq(inboxes.id, c.inbox_id)).get()!;
      if (!isAssignable(tx, inbox, changes.assignee_id)) {
        result.skipped.push({ id, reason: "the assignee is not a member of its inbox" });
        continue;
      }
    }
    // Each step reads the conversation as the previous step left it.
    const current = () => findConversation(tx.db, accountId, id)!;
    if (add.length || remove.size) setConversationLabels(tx, scope, c, [...labelList(c).filter((l) => !remove.has(l)), ...add]);
    if (changes.team_id !== undefined) assignConversation(tx, scope, current(), { team_id: changes.team_id });
    if (changes.assignee_id !== undefined) assignConversation(tx, scope, current(), { assignee_id: changes.assignee_id });
    if (changes.status !== undefined) toggleStatus(tx, scope, current(), { status: changes.status, snoozed_until: changes.snoozed_until });
    result.updated.push(id);
  }
  return result;
}
