import { and, asc, eq, inArray } from "drizzle-orm";
import { conversations } from "../../db/schema/conversations.ts";
import { labels, taggings } from "../../db/schema/labels.ts";
import type { Tx } from "../../db/tx.ts";
import type { AccountScope } from "../accounts/access.ts";
import { ACTIVITY, fill } from "../conversations/activity.ts";
import { changeConversation } from "../conversations/changes.ts";
import type { ConversationRow } from "../conversations/records.ts";
import { Conflict, Validation } from "../errors.ts";
import { addActivityMessage, eventPerformer, performerOf } from "../messages/commands.ts";
import { authorizeLabelWrite } from "./policy.ts";
import { getLabel, type LabelRow } from "./queries.ts";

/** Chatwoot's Label title rule: letters, digits, hyphen and underscore; stored lower-cased. */
const TITLE = /^[\p{L}\p{N}_-]+$/u;
const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** Chatwoot's AccountCacheRevalidator: every label write invalidates the account's cached label list. */
function labelsChanged(tx: Tx, scope: AccountScope): void {
  tx.emit("account.cache_invalidated", { account_id: scope.account.id, cache_key: "label", ...eventPerformer(performerOf(scope)) });
}

export type LabelInput = { title?: string; description?: string | null; color?: string; show_on_sidebar?: boolean };

function normalizeTitle(title: string): string {
  const t = title.trim().toLowerCase();
  if (!t) throw Validation.field("title", "can't be blank");
  if (t.length > 255) throw Validation.field("title", "is too long (maximum is 255 characters)");
  if (!TITLE.test(t)) throw Validation.field("title", "is invalid (only letters, numbers, hyphens and underscores)");
  return t;
}

function assertTitleFree(tx: Tx, accountId: number, title: string, exceptId?: number): void {
  const other = tx.db
    .select({ id: labels.id })
    .from(labels)
    .where(and(eq(labels.account_id, accountId), eq(labels.title, title)))
    .get();
  if (other && other.id !== exceptId) throw new Conflict("has already been taken", "title");
}

function checkColor(color: string | undefined): void {
  if (color !== undefined && !COLOR.test(color)) throw Validation.field("color", "must be a hex color like #1f93ff");
}

export function createLabel(tx: Tx, scope: AccountScope, input: LabelInput & { title: string }): LabelRow {
  authorizeLabelWrite(scope);
  const title = normalizeTitle(input.title);
  checkColor(input.color);
  assertTitleFree(tx, scope.account.id, title);
  labelsChanged(tx, scope);
  return tx.db
    .insert(labels)
    .values({
      account_id: scope.account.id,
      title,
      description: input.description ?? null,
      color: input.color ?? "#1f93ff",
      show_on_sidebar: input.show_on_sidebar ?? true,
      created_at: tx.now,
      updated_at: tx.now,
    })
    .returning()
    .get();
}

/** Renaming a label renames it on every conversation and contact that carries it (Chatwoot's UpdateLabelsJob). */
export function updateLabel(tx: Tx, scope: AccountScope, id: number, input: LabelInput): LabelRow {
  authorizeLabelWrite(scope);
  const label = getLabel(tx.db, scope.account.id, id);
  const title = input.title !== undefined ? normalizeTitle(input.title) : label.title;
  checkColor(input.color);
  if (title !== label.title) {
    assertTitleFree(tx, scope.account.id, title, label.id);
    renameTaggings(tx, scope.account.id, label.title, title);
  }
  labelsChanged(tx, scope);
  return tx.db
    .update(labels)
    .set({
      title,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.color !== undefined ? { color: input.color } : {}),
      ...(input.show_on_sidebar !== undefined ? { show_on_sidebar: input.show_on_sidebar } : {}),
      updated_at: tx.now,
    })
    .where(eq(labels.id, label.id))
    .returning()
    .get();
}

/** Deleting a label takes it off every conversation and contact (Labels::DestroyService). */
export function deleteLabel(tx: Tx, scope: AccountScope, id: number): void {
  authorizeLabelWrite(scope);
  const label = getLabel(tx.db, scope.account.id, id);
  renameTaggings(tx, scope.account.id, label.title, null);
  tx.db.delete(labels).where(eq(labels.id, label.id)).run();
  labelsChanged(tx, scope);
}

function renameTaggings(tx: Tx, accountId: number, from: string, to: string | null): void {
  const tagged = tx.db
    .select()
    .from(taggings)
    .where(and(eq(taggings.account_id, accountId), eq(taggings.label, from)))
    .all();
  if (!tagged.length) return;
  tx.db
    .delete(taggings)
    .where(and(eq(taggings.account_id, accountId), eq(taggings.label, from)))
    .run();
  if (to) {
    for (const t of tagged) {
      tx.db.insert(taggings).values({ account_id: accountId, taggable_type: t.taggable_type, taggable_id: t.taggable_id, label: to, created_at: t.created_at }).onConflictDoNothing().run();
    }
  }
  const convIds = tagged.filter((t) => t.taggable_type === "Conversation").map((t) => t.taggable_id);
  if (convIds.length) {
    const rows = tx.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.account_id, accountId), inArray(conversations.id, convIds)))
      .all();
    for (const c of rows) changeConversation(tx, null, c, { cached_label_list: conversationLabels(tx, c.id).join(",") });
  }
}

function conversationLabels(tx: Tx, conversationId: number): string[] {
  return tx.db
    .select({ label: taggings.label })
    .from(taggings)
    .where(and(eq(taggings.taggable_type, "Conversation"), eq(taggings.taggable_id, conversationId)))
    .orderBy(asc(taggings.id))
    .all()
    .map((r) => r.label);
}

/**
 * POST /conversations/{id}/labels: the conversation's labels become exactly these (Labelable#update_labels),
 * cached_label_list kept in step, "X added a, b" / "X removed c" activity messages written.
 */
export function setConversationLabels(tx: Tx, scope: AccountScope, c: ConversationRow, wanted: string[]): string[] {
  const next = [...new Set(wanted.map((l) => l.trim()).filter(Boolean))];
  const current = conversationLabels(tx, c.id);
  const added = next.filter((l) => !current.includes(l));
  const removed = current.filter((l) => !next.includes(l));
  if (removed.length) {
    tx.db
      .delete(taggings)
      .where(and(eq(taggings.taggable_type, "Conversation"), eq(taggings.taggable_id, c.id), inArray(taggings.label, removed)))
      .run();
  }
  for (const label of added) {
    tx.db.insert(taggings).values({ account_id: c.account_id, taggable_type: "Conversation", taggable_id: c.id, label, created_at: tx.now }).onConflictDoNothing().run();
  }
  const list = conversationLabels(tx, c.id);
  if (!added.length && !removed.length) return list;
  const by = performerOf(scope);
  const updated = changeConversation(tx, by, c, { cached_label_list: list.join(",") });
  if (by) {
    if (added.length) addActivityMessage(tx, updated, fill(ACTIVITY.labels.added, { user_name: by.name, labels: added.join(", ") }));
    if (removed.length) addActivityMessage(tx, updated, fill(ACTIVITY.labels.removed, { user_name: by.name, labels: removed.join(", ") }));
  }
  return list;
}
