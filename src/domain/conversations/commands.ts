import { and, desc, eq, sql } from "drizzle-orm";
import { account_users } from "../../db/schema/accounts.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { attachments, conversation_participants, conversations, messages, type CONVERSATION_STATUSES, PRIORITIES } from "../../db/schema/conversations.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { notifications } from "../../db/schema/notifications.ts";
import { teams } from "../../db/schema/teams.ts";
import type { Tx } from "../../db/tx.ts";
import { uuid } from "../../lib/ids.ts";
import type { AccountScope } from "../accounts/access.ts";
import { activeInboxBot } from "../agent-bots/inboxes.ts";
import { isAssignable } from "../assignment/round-robin.ts";
import { Forbidden, NotFound, Validation } from "../errors.ts";
import { addActivityMessage, createMessage, eventPerformer, performerOf, type MessageInput } from "../messages/commands.ts";
import { ACTIVITY, fill } from "./activity.ts";
import { changeConversation, type Performer } from "./changes.ts";
import { findContactInboxBySource, findOrCreateContactInbox } from "./contact-inbox.ts";
import { canDeleteConversation, canSeeConversation, conversationAccess } from "./policy.ts";
import { checkCustomAttributes } from "../custom-attributes/values.ts";
import type { ContactInboxRow, ConversationRow, InboxRow } from "./records.ts";

type Status = (typeof CONVERSATION_STATUSES)[number];

export type CreateConversationInput = {
  source_id?: string;
  inbox_id?: number;
  contact_id?: number;
  additional_attributes?: Record<string, unknown>;
  custom_attributes?: Record<string, unknown>;
  status?: Status;
  assignee_id?: number | null;
  team_id?: number | null;
  snoozed_until?: number | null;
  message?: MessageInput;
};

function inboxOfAccount(tx: Tx, accountId: number, inboxId: number): InboxRow {
  const inbox = tx.db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.account_id, accountId)))
    .get();
  if (!inbox) throw new NotFound("Inbox");
  return inbox;
}

/** Inboxes an actor may start conversations in: every inbox for administrators and bots, their own for agents. */
function assertInboxAccess(tx: Tx, scope: AccountScope, inbox: InboxRow): void {
  const access = conversationAccess(tx.db, scope);
  if (access.kind === "all") return;
  if (!access.inboxIds.includes(inbox.id)) throw new NotFound("Inbox");
}

/** An account member who may be assigned conversations of the inbox (404 if not a member, 422 if not assignable). */
function assertAssignee(tx: Tx, accountId: number, inbox: InboxRow, userId: number): void {
  const member = tx.db
    .select({ id: account_users.id })
    .from(account_users)
    .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, userId)))
    .get();
  if (!member) throw new NotFound("User");
  if (!isAssignable(tx, inbox, userId)) throw Validation.field("assignee_id", "must be a member of the conversation's inbox");
}

function assertTeam(tx: Tx, accountId: number, teamId: number) {
  const team = tx.db
    .select()
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.account_id, accountId)))
    .get();
  if (!team) throw new NotFound("Team");
  return team;
}

/**
 * POST /conversations (ConversationBuilder): in the contact session found by source_id, or for a
 * contact in an inbox (the session is created), with optional assignee, team, status, attributes and a
 * first message. Inboxes locked to a single conversation return the contact's existing one.
 */
export function createConversation(tx: Tx, scope: AccountScope, input: CreateConversationInput): ConversationRow {
  const accountId = scope.account.id;
  let inbox = input.inbox_id !== undefined ? inboxOfAccount(tx, accountId, input.inbox_id) : undefined;
  let contactInbox;
  if (inbox && input.contact_id !== undefined) {
    assertInboxAccess(tx, scope, inbox);
    const contact = tx.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.id, input.contact_id), eq(contacts.account_id, accountId)))
      .get();
    if (!contact) throw new NotFound("Contact");
    contactInbox = findOrCreateContactInbox(tx, contact, inbox, input.source_id);
  } else if (input.source_id) {
    contactInbox = findContactInboxBySource(tx, accountId, input.source_id, inbox?.id);
    if (!contactInbox) throw new NotFound("Contact inbox");
    inbox = inboxOfAccount(tx, accountId, contactInbox.inbox_id);
    assertInboxAccess(tx, scope, inbox);
  } else {
    throw Validation.field("source_id", "can't be blank (or pass contact_id with inbox_id)");
  }

  if (inbox.lock_to_single_conversation) {
    const existing = tx.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.account_id, accountId), eq(conversations.contact_inbox_id, contactInbox.id)))
      .orderBy(desc(conversations.id))
      .get();
    if (existing) {
      if (input.message) createMessage(tx, scope, existing, input.message);
      return tx.db.select().from(conversations).where(eq(conversations.id, existing.id)).get()!;
    }
  }

  if (input.assignee_id != null) assertAssignee(tx, accountId, inbox, input.assignee_id);
  if (input.team_id != null) assertTeam(tx, accountId, input.team_id);
  let conversation = openConversation(tx, performerOf(scope), inbox, contactInbox, input);
  if (input.message) {
    createMessage(tx, scope, conversation, input.message);
    conversation = tx.db.select().from(conversations).where(eq(conversations.id, conversation.id)).get()!;
  }
  return conversation;
}

/**
 * Inserts a new conversation in a contact session (the part of ConversationBuilder shared by the
 * Application API and the contact-facing client API): its status, next display id and the created event.
 */
export function openConversation(
  tx: Tx,
  by: Performer,
  inbox: InboxRow,
  contactInbox: ContactInboxRow,
  input: Pick<CreateConversationInput, "status" | "snoozed_until" | "assignee_id" | "team_id" | "additional_attributes" | "custom_attributes">,
): ConversationRow {
  const accountId = inbox.account_id;
  const contact = tx.db.select({ blocked: contacts.blocked }).from(contacts).where(eq(contacts.id, contactInbox.contact_id)).get();
  // Conversation#determine_conversation_status: blocked contacts start resolved; an inbox with an active agent
  // bot starts every new conversation pending (the bot triages it; no auto-assignment until it hands off).
  const status: Status = contact?.blocked ? "resolved" : activeInboxBot(tx.db, accountId, inbox.id) ? "pending" : (input.status ?? "open");
  if (status === "snoozed" && input.snoozed_until != null && input.snoozed_until <= tx.now) throw Validation.field("snoozed_until", "must be in the future");

  const next = tx.db
    .select({ n: sql<number>`coalesce(max(${conversations.display_id}), 0) + 1` })
    .from(conversations)
    .where(eq(conversations.account_id, accountId))
    .get()!.n;
  const row = tx.db
    .insert(conversations)
    .values({
      account_id: accountId,
      display_id: next,
      uuid: uuid(),
      inbox_id: inbox.id,
      contact_id: contactInbox.contact_id,
      contact_inbox_id: contactInbox.id,
      assignee_id: input.assignee_id ?? null,
      team_id: input.team_id ?? null,
      status,
      snoozed_until: status === "snoozed" ? (input.snoozed_until ?? null) : null,
      additional_attributes: input.additional_attributes ?? {},
      custom_attributes: input.custom_attributes ? checkCustomAttributes(tx.db, accountId, "conversation_attribute", input.custom_attributes) : {},
      waiting_since: tx.now,
      last_activity_at: tx.now,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
  return changeConversation(tx, by, row, {}, { created: true });
}

/** Re-reads the row after a change (activity messages move last_activity_at). */
function reload(tx: Tx, c: ConversationRow): ConversationRow {
  return tx.db.select().from(conversations).where(eq(conversations.id, c.id)).get()!;
}

/**
 * POST /conversations/{id}/toggle_status: the given status (with snoozed_until for snoozed), or without one
 * Chatwoot's toggle: open ↔ resolved, pending and snoozed → open.
 */
export function toggleStatus(tx: Tx, scope: AccountScope, c: ConversationRow, input: { status?: Status; snoozed_until?: number | null }): ConversationRow {
  const status: Status = input.status ?? (c.status === "open" ? "resolved" : "open");
  if (status === "snoozed" && input.snoozed_until != null && input.snoozed_until <= tx.now) throw Validation.field("snoozed_until", "must be in the future");
  const snoozed_until = status === "snoozed" ? (input.snoozed_until !== undefined ? input.snoozed_until : c.snoozed_until) : null;
  changeConversation(tx, performerOf(scope), c, { status, snoozed_until });
  return reload(tx, c);
}

/** POST /conversations/{id}/toggle_priority: urgent, high, medium, low, or none/null to clear it. */
export function setPriority(tx: Tx, scope: AccountScope, c: ConversationRow, priority: (typeof PRIORITIES)[number] | "none" | null): ConversationRow {
  const value = priority == null || priority === "none" ? null : PRIORITIES.indexOf(priority);
  changeConversation(tx, performerOf(scope), c, { priority: value });
  return reload(tx, c);
}

/** POST /conversations/{id}/custom_attributes: replaces the conversation's custom attributes. */
export function setCustomAttributes(tx: Tx, scope: AccountScope, c: ConversationRow, attributes: Record<string, unknown>): ConversationRow {
  const custom_attributes = checkCustomAttributes(tx.db, c.account_id, "conversation_attribute", attributes, c.custom_attributes);
  changeConversation(tx, performerOf(scope), c, { custom_attributes });
  return reload(tx, c);
}

/** POST /conversations/{id}/update_last_seen: the agents have read it (and the assignee, if it is them). */
export function updateLastSeen(tx: Tx, scope: AccountScope, c: ConversationRow): ConversationRow {
  const isAssignee = scope.userId !== null && c.assignee_id === scope.userId;
  tx.db
    .update(conversations)
    .set({ agent_last_seen_at: tx.now, ...(isAssignee ? { assignee_last_seen_at: tx.now } : {}) })
    .where(eq(conversations.id, c.id))
    .run();
  tx.emit("conversation.read", { account_id: c.account_id, conversation_id: c.id, by: "agent", user_id: scope.userId });
  return reload(tx, c);
}

/** POST /conversations/{id}/unread: marks the last incoming message unread again. */
export function markUnread(tx: Tx, c: ConversationRow): ConversationRow {
  const last = tx.db
    .select({ at: messages.created_at })
    .from(messages)
    .where(and(eq(messages.conversation_id, c.id), eq(messages.message_type, 0)))
    .orderBy(desc(messages.id))
    .get();
  const seen = last ? last.at - 1000 : null;
  tx.db.update(conversations).set({ agent_last_seen_at: seen, assignee_last_seen_at: seen }).where(eq(conversations.id, c.id)).run();
  return reload(tx, c);
}

/** DELETE /conversations/{id}: administrators only; messages, attachments and notifications go with it. */
export function deleteConversation(tx: Tx, scope: AccountScope, c: ConversationRow): string[] {
  if (!canDeleteConversation(scope)) throw new Forbidden();
  const keys = tx.db
    .select({ key: attachments.storage_key })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.message_id))
    .where(eq(messages.conversation_id, c.id))
    .all()
    .map((r) => r.key)
    .filter((k): k is string => !!k);
  tx.db
    .delete(notifications)
    .where(and(eq(notifications.account_id, c.account_id), eq(notifications.primary_actor_type, "Conversation"), eq(notifications.primary_actor_id, c.id)))
    .run();
  tx.db.delete(conversations).where(and(eq(conversations.id, c.id), eq(conversations.account_id, c.account_id))).run();
  return keys;
}

/**
 * The snooze job: reopens the conversation when its snooze ends — only if it is still snoozed until
 * that same moment (a later re-snooze or a reopen in between makes this run a no-op).
 */
export function reopenSnoozed(tx: Tx, conversationId: number, snoozedUntil: number): boolean {
  const c = tx.db.select().from(conversations).where(eq(conversations.id, conversationId)).get();
  if (!c || c.status !== "snoozed" || c.snoozed_until !== snoozedUntil) return false;
  changeConversation(tx, null, c, { status: "open" });
  return true;
}

/**
 * POST /conversations/{id}/assignments: assignee_id (null unassigns) or, without it, team_id (null removes
 * the team). The assignee must be able to work the inbox. Returns what was assigned.
 */
export function assignConversation(
  tx: Tx,
  scope: AccountScope,
  c: ConversationRow,
  input: { assignee_id?: number | null; team_id?: number | null },
): { kind: "agent"; userId: number | null; conversation: ConversationRow } | { kind: "team"; team: typeof teams.$inferSelect | null; conversation: ConversationRow } | { kind: "none" } {
  const inbox = inboxOfAccount(tx, c.account_id, c.inbox_id);
  if (input.assignee_id !== undefined) {
    if (input.assignee_id !== null) assertAssignee(tx, c.account_id, inbox, input.assignee_id);
    const updated = changeConversation(tx, performerOf(scope), c, { assignee_id: input.assignee_id });
    return { kind: "agent", userId: updated.assignee_id, conversation: updated };
  }
  if (input.team_id !== undefined) {
    const team = input.team_id === null ? null : assertTeam(tx, c.account_id, input.team_id);
    const updated = changeConversation(tx, performerOf(scope), c, { team_id: team?.id ?? null });
    return { kind: "team", team, conversation: updated };
  }
  return { kind: "none" };
}

/** PATCH /conversations/{id}: Chatwoot lets this change the priority only. */
export function updateConversation(tx: Tx, scope: AccountScope, c: ConversationRow, input: { priority?: (typeof PRIORITIES)[number] | "none" | null }): ConversationRow {
  if (input.priority !== undefined) return setPriority(tx, scope, c, input.priority);
  return c;
}

// Participants (Conversations::ParticipantsController).

function assertParticipants(tx: Tx, c: ConversationRow, userIds: number[]): void {
  const inbox = inboxOfAccount(tx, c.account_id, c.inbox_id);
  for (const id of userIds) {
    const member = tx.db
      .select({ id: account_users.id })
      .from(account_users)
      .where(and(eq(account_users.account_id, c.account_id), eq(account_users.user_id, id)))
      .get();
    if (!member) throw new NotFound("User");
    if (!isAssignable(tx, inbox, id)) throw Validation.field("user_ids", `user ${id} must have inbox access`);
  }
}

function currentParticipants(tx: Tx, c: ConversationRow): number[] {
  return tx.db
    .select({ id: conversation_participants.user_id })
    .from(conversation_participants)
    .where(eq(conversation_participants.conversation_id, c.id))
    .all()
    .map((r) => r.id);
}

/** Adds participants; returns the ids actually added (as Chatwoot's create renders only those). */
export function addParticipants(tx: Tx, c: ConversationRow, userIds: number[]): number[] {
  const wanted = [...new Set(userIds)];
  assertParticipants(tx, c, wanted);
  const current = new Set(currentParticipants(tx, c));
  const added = wanted.filter((id) => !current.has(id));
  for (const id of added) {
    tx.db.insert(conversation_participants).values({ account_id: c.account_id, conversation_id: c.id, user_id: id, created_at: tx.now }).onConflictDoNothing().run();
  }
  return added;
}

/** Makes the participants exactly userIds. */
export function replaceParticipants(tx: Tx, c: ConversationRow, userIds: number[]): void {
  const wanted = [...new Set(userIds)];
  assertParticipants(tx, c, wanted);
  addParticipants(tx, c, wanted);
  const keep = new Set(wanted);
  for (const id of currentParticipants(tx, c)) if (!keep.has(id)) removeParticipant(tx, c, id);
}

export function removeParticipants(tx: Tx, c: ConversationRow, userIds: number[]): void {
  for (const id of new Set(userIds)) removeParticipant(tx, c, id);
}

function removeParticipant(tx: Tx, c: ConversationRow, userId: number): void {
  tx.db
    .delete(conversation_participants)
    .where(and(eq(conversation_participants.conversation_id, c.id), eq(conversation_participants.user_id, userId)))
    .run();
}

/** Whether the acting user may see the conversation (for callers holding a row from elsewhere). */
export function assertVisible(tx: Tx, scope: AccountScope, c: ConversationRow): void {
  if (!canSeeConversation(tx.db, conversationAccess(tx.db, scope), c)) throw new NotFound("Conversation");
}

/**
 * POST /conversations/{id}/mute (ConversationMuteHelpers#mute!): resolves the conversation and blocks the
 * contact, so new messages neither reopen it nor notify anyone; unmute unblocks the contact.
 */
export function setMuted(tx: Tx, scope: AccountScope, c: ConversationRow, muted: boolean): ConversationRow {
  const by = performerOf(scope);
  const contact = tx.db.select({ blocked: contacts.blocked }).from(contacts).where(eq(contacts.id, c.contact_id)).get();
  if (muted && c.status !== "resolved") changeConversation(tx, by, c, { status: "resolved" });
  if (contact && contact.blocked !== muted) {
    tx.db.update(contacts).set({ blocked: muted, updated_at: tx.now }).where(and(eq(contacts.id, c.contact_id), eq(contacts.account_id, c.account_id))).run();
    tx.emit("contact.updated", { account_id: c.account_id, contact_id: c.contact_id, changed_attributes: { blocked: { previous_value: contact.blocked, current_value: muted } }, ...eventPerformer(by) });
  }
  const fresh = reload(tx, c);
  if (by) addActivityMessage(tx, fresh, fill(muted ? ACTIVITY.muted : ACTIVITY.unmuted, { user_name: by.name }));
  return reload(tx, c);
}

/** POST /conversations/{id}/toggle_typing_status: announces an agent typing (realtime only, nothing stored). */
export function toggleTyping(tx: Tx, scope: AccountScope, c: ConversationRow, on: boolean, isPrivate: boolean): void {
  tx.emit(on ? "conversation.typing_on" : "conversation.typing_off", {
    account_id: c.account_id,
    conversation_id: c.id,
    user_id: scope.userId,
    contact_id: null,
    is_private: isPrivate,
  });
}

export type { Performer };
