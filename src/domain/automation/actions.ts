import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { account_users, users } from "../../db/schema/accounts.ts";
import type { RuleAction } from "../../db/schema/automation.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { CONVERSATION_STATUSES, conversations, messages, PRIORITIES } from "../../db/schema/conversations.ts";
import { inboxes } from "../../db/schema/inboxes.ts";
import { labels, taggings } from "../../db/schema/labels.ts";
import { team_members, teams } from "../../db/schema/teams.ts";
import type { Db } from "../../db/client.ts";
import { preparedFor } from "../../db/prepared.ts";
import type { Tx } from "../../db/tx.ts";
import { isAssignable } from "../assignment/round-robin.ts";
import { ACTIVITY, fill } from "../conversations/activity.ts";
import { changeConversation, type Performer } from "../conversations/changes.ts";
import type { ConversationRow } from "../conversations/records.ts";
import { conversationWebhookData } from "../conversations/serialize.ts";
import { queueTranscript, transcriptRecipient } from "../conversations/transcript.ts";
import { Validation } from "../errors.ts";
import { queueMail } from "../mail/commands.ts";
import { addActivityMessage, addMessage, eventPerformer, MAX_ATTACHMENTS, MAX_CONTENT_LENGTH, type NewMessage } from "../messages/commands.ts";
import { enqueueHttpDelivery } from "../webhooks/delivery.ts";
import { applySlaPolicy } from "../sla/engine.ts";
import { findSlaPolicy } from "../sla/policies.ts";
import { automationFilesByIds, copyForMessage } from "./files.ts";

/**
 * The actions macros and automation rules share (Chatwoot's ActionService and its two subclasses), validated
 * when a rule or macro is saved and applied to one conversation at a time.
 */

/** Actions that take no parameters. */
const VALUELESS = new Set(["mute_conversation", "snooze_conversation", "resolve_conversation", "open_conversation", "pending_conversation", "remove_assigned_team"]);

export const MACRO_ACTIONS = [
  "assign_agent",
  "assign_team",
  "remove_assigned_team",
  "add_label",
  "remove_label",
  "send_message",
  "add_private_note",
  "change_status",
  "resolve_conversation",
  "snooze_conversation",
  "change_priority",
  "send_email_transcript",
  "mute_conversation",
  "send_webhook_event",
  "send_attachment",
] as const;

export const AUTOMATION_ACTIONS = [
  "assign_agent",
  "assign_team",
  "add_label",
  "remove_label",
  "send_message",
  "add_private_note",
  "send_email_to_team",
  "send_email_transcript",
  "mute_conversation",
  "snooze_conversation",
  "resolve_conversation",
  "open_conversation",
  "pending_conversation",
  "change_status",
  "change_priority",
  "send_webhook_event",
  "send_attachment",
  "add_sla",
] as const;

const MAX_ACTIONS = 30;
const URL_MAX = 2000;

function isId(v: unknown): boolean {
  return (typeof v === "number" && Number.isInteger(v) && v > 0) || (typeof v === "string" && /^\d{1,12}$/.test(v) && Number(v) > 0);
}

function labelTitles(db: Db, accountId: number): Set<string> {
  return new Set(db.select({ title: labels.title }).from(labels).where(eq(labels.account_id, accountId)).all().map((l) => l.title));
}

function isAccountUser(db: Db, accountId: number, userId: number): boolean {
  return !!db
    .select({ id: account_users.id })
    .from(account_users)
    .where(and(eq(account_users.account_id, accountId), eq(account_users.user_id, userId)))
    .get();
}

function isAccountTeam(db: Db, accountId: number, teamId: number): boolean {
  return !!db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.account_id, accountId), eq(teams.id, teamId)))
    .get();
}

/** Splits Chatwoot's `["a@x.com, b@y.com"]` into addresses. */
export function transcriptAddresses(param: unknown): string[] {
  return String(param ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseUrl(value: unknown): URL | null {
  if (typeof value !== "string" || value.length > URL_MAX) return null;
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/**
 * Validates a list of actions against the account: known action names, the parameters each one takes, and
 * every agent, team and label they name existing in the account. Errors name the offending part
 * (`actions[1].action_params`). Returns the normalized actions.
 */
export function validateActions(db: Db, accountId: number, raw: unknown, allowed: readonly string[], opts: { allowSelf?: boolean } = {}): RuleAction[] {
  if (!Array.isArray(raw) || raw.length === 0) throw Validation.field("actions", "can't be blank");
  if (raw.length > MAX_ACTIONS) throw Validation.field("actions", `must have at most ${MAX_ACTIONS} actions`);
  let titles: Set<string> | null = null;
  return raw.map((item, i) => {
    const at = (name: string) => `actions[${i}].${name}`;
    if (!item || typeof item !== "object" || Array.isArray(item)) throw Validation.field(`actions[${i}]`, "must be an object");
    const { action_name, action_params } = item as { action_name?: unknown; action_params?: unknown };
    if (typeof action_name !== "string" || !allowed.includes(action_name)) {
      throw Validation.field(at("action_name"), `is not a supported action: ${allowed.join(", ")}`);
    }
    const params = action_params === undefined || action_params === null ? [] : Array.isArray(action_params) ? action_params : [action_params];
    const bad = (message: string): never => {
      throw Validation.field(at("action_params"), message);
    };
    if (VALUELESS.has(action_name)) return { action_name, action_params: [] };
    if (params.length === 0) bad("can't be blank");
    const first = params[0];
    switch (action_name) {
      case "assign_agent": {
        if (first === "nil" || first === "last_responding_agent" || (opts.allowSelf && first === "self")) return { action_name, action_params: [first] };
        if (!isId(first) || !isAccountUser(db, accountId, Number(first))) bad("must name an agent of this account");
        return { action_name, action_params: [Number(first)] };
      }
      case "assign_team": {
        if (first === "nil" || first === 0 || first === "0") return { action_name, action_params: ["nil"] };
        if (!isId(first) || !isAccountTeam(db, accountId, Number(first))) bad("must name a team of this account");
        return { action_name, action_params: [Number(first)] };
      }
      case "add_label":
      case "remove_label": {
        if (!params.every((p) => typeof p === "string" && p.trim())) bad("must be label titles");
        titles ??= labelTitles(db, accountId);
        const missing = params.map((p) => String(p).trim()).filter((p) => !titles!.has(p));
        if (missing.length) bad(`names labels that do not exist: ${missing.join(", ")}`);
        return { action_name, action_params: [...new Set(params.map((p) => String(p).trim()))] };
      }
      case "send_message":
      case "add_private_note": {
        if (typeof first !== "string" || !first.trim()) bad("must be the message text");
        if ((first as string).length > MAX_CONTENT_LENGTH) bad("is too long");
        return { action_name, action_params: [first] };
      }
      case "change_status": {
        if (!(CONVERSATION_STATUSES as readonly unknown[]).includes(first)) bad(`must be one of ${CONVERSATION_STATUSES.join(", ")}`);
        return { action_name, action_params: [first] };
      }
      case "change_priority": {
        if (first !== "nil" && !(PRIORITIES as readonly unknown[]).includes(first)) bad(`must be one of ${PRIORITIES.join(", ")} or nil`);
        return { action_name, action_params: [first] };
      }
      case "send_email_transcript": {
        const addresses = transcriptAddresses(first);
        if (!addresses.length) bad("must be email addresses");
        if (addresses.length > 10) bad("must have at most 10 addresses");
        for (const a of addresses) {
          try {
            transcriptRecipient(a);
          } catch {
            bad(`has an invalid email address: ${a}`);
          }
        }
        return { action_name, action_params: [addresses.join(", ")] };
      }
      case "send_email_to_team": {
        const spec = first as { team_ids?: unknown; message?: unknown };
        if (!spec || typeof spec !== "object" || !Array.isArray(spec.team_ids) || spec.team_ids.length === 0) bad("must be {team_ids, message}");
        if (typeof spec.message !== "string" || !spec.message.trim()) bad("needs a message");
        const ids = (spec.team_ids as unknown[]).map((t) => (isId(t) ? Number(t) : 0));
        if (ids.some((t) => !isAccountTeam(db, accountId, t))) bad("must name teams of this account");
        return { action_name, action_params: [{ team_ids: ids, message: spec.message }] };
      }
      case "send_webhook_event": {
        if (!parseUrl(first)) bad("must be an http(s) URL");
        return { action_name, action_params: [first] };
      }
      case "send_attachment": {
        if (params.length > MAX_ATTACHMENTS || !params.every(isId)) bad("must be ids of attached files (attach_file)");
        const ids = [...new Set(params.map(Number))];
        if (automationFilesByIds(db, accountId, ids).length !== ids.length) bad("names files that were not attached in this account");
        return { action_name, action_params: ids };
      }
      case "add_sla": {
        if (!isId(first) || !findSlaPolicy(db, accountId, Number(first))) bad("must name an SLA policy of this account");
        return { action_name, action_params: [Number(first)] };
      }
      default:
        return bad("is not supported");
    }
  });
}

/** Who runs the actions and how: a macro runs as the agent who clicked it, a rule as "Automation System". */
export type ActionContext = {
  by: NonNullable<Performer>;
  /** The author of messages it sends: the agent for a macro, nobody for a rule. */
  sender: NewMessage["sender"];
  /** Stored on messages it sends (automation_rule_id for rules, as Chatwoot tags them). */
  contentAttributes: Record<string, unknown>;
  /** The user `self` means (macros). */
  userId: number | null;
  publicUrl: string;
  /** The data dir (send_attachment copies the files under its uploads/). */
  dataDir: string;
  /** The event name a send_webhook_event posts (automation_event.<event>, macro.executed). */
  webhookEvent: string;
  /** Called after an action that leaves no activity message of its own, with what to log ("sent …"). */
  log?: (tx: Tx, c: ConversationRow, text: string) => void;
};

// Prepared once: every action of a rule or macro reads the conversation again, and label actions its labels.
const conversationById = preparedFor((db) => db.select().from(conversations).where(eq(conversations.id, sql.placeholder("id"))).prepare());
const labelsOf = preparedFor((db) =>
  db
    .select({ label: taggings.label })
    .from(taggings)
    .where(and(eq(taggings.taggable_type, "Conversation"), eq(taggings.taggable_id, sql.placeholder("id"))))
    .orderBy(asc(taggings.id))
    .prepare(),
);

function reload(tx: Tx, id: number): ConversationRow {
  return conversationById(tx.db).get({ id })!;
}

function currentLabels(tx: Tx, conversationId: number): string[] {
  return labelsOf(tx.db)
    .all({ id: conversationId })
    .map((r) => r.label);
}

/** Adds and removes labels the way Labelable#update_labels does, with the "X added a, b" activity messages. */
function changeLabels(tx: Tx, by: NonNullable<Performer>, c: ConversationRow, add: string[], remove: string[]): void {
  const current = currentLabels(tx, c.id);
  const added = add.filter((l) => !current.includes(l));
  const removed = remove.filter((l) => current.includes(l));
  if (!added.length && !removed.length) return;
  if (removed.length) {
    tx.db
      .delete(taggings)
      .where(and(eq(taggings.taggable_type, "Conversation"), eq(taggings.taggable_id, c.id), inArray(taggings.label, removed)))
      .run();
  }
  for (const label of added) {
    tx.db.insert(taggings).values({ account_id: c.account_id, taggable_type: "Conversation", taggable_id: c.id, label, created_at: tx.now }).onConflictDoNothing().run();
  }
  const updated = changeConversation(tx, by, c, { cached_label_list: currentLabels(tx, c.id).join(",") });
  if (added.length) addActivityMessage(tx, updated, fill(ACTIVITY.labels.added, { user_name: by.name, labels: added.join(", ") }));
  if (removed.length) addActivityMessage(tx, updated, fill(ACTIVITY.labels.removed, { user_name: by.name, labels: removed.join(", ") }));
}

/** ConversationMuteHelpers#mute!: resolved, and the contact blocked so new messages neither reopen nor notify. */
function mute(tx: Tx, by: NonNullable<Performer>, c: ConversationRow): void {
  if (c.status !== "resolved") changeConversation(tx, by, c, { status: "resolved" });
  const contact = tx.db.select({ blocked: contacts.blocked }).from(contacts).where(eq(contacts.id, c.contact_id)).get();
  if (contact && !contact.blocked) {
    tx.db.update(contacts).set({ blocked: true, updated_at: tx.now }).where(and(eq(contacts.id, c.contact_id), eq(contacts.account_id, c.account_id))).run();
    tx.emit("contact.updated", {
      account_id: c.account_id,
      contact_id: c.contact_id,
      changed_attributes: { blocked: { previous_value: false, current_value: true } },
      ...eventPerformer(by),
    });
  }
  addActivityMessage(tx, reload(tx, c.id), fill(ACTIVITY.muted, { user_name: by.name }));
}

function lastRespondingAgent(tx: Tx, c: ConversationRow): number | null {
  return (
    tx.db
      .select({ id: messages.sender_id })
      .from(messages)
      .where(and(eq(messages.conversation_id, c.id), eq(messages.message_type, 1), eq(messages.sender_type, "User")))
      .orderBy(desc(messages.id))
      .get()?.id ?? null
  );
}

/** Applies one action to the conversation (inside the caller's transaction). Throws when it cannot be applied. */
export function applyAction(tx: Tx, ctx: ActionContext, conversationId: number, action: RuleAction): void {
  const c = reload(tx, conversationId);
  const by = ctx.by;
  const p = action.action_params ?? [];
  switch (action.action_name) {
    case "assign_agent": {
      const raw = p[0];
      if (raw === "nil") return void changeConversation(tx, by, c, { assignee_id: null });
      const id = raw === "self" ? ctx.userId : raw === "last_responding_agent" ? lastRespondingAgent(tx, c) : Number(raw);
      if (id == null || !Number.isInteger(id)) return;
      const inbox = tx.db.select().from(inboxes).where(eq(inboxes.id, c.inbox_id)).get()!;
      if (!isAssignable(tx, inbox, id)) throw new Error(`agent ${id} cannot work inbox ${inbox.id}`);
      return void changeConversation(tx, by, c, { assignee_id: id });
    }
    case "assign_team": {
      if (p[0] === "nil" || p[0] === 0 || p[0] === "0") return void changeConversation(tx, by, c, { team_id: null });
      const id = Number(p[0]);
      if (!isAccountTeam(tx.db, c.account_id, id)) throw new Error(`team ${id} is not in the account`);
      return void changeConversation(tx, by, c, { team_id: id });
    }
    case "remove_assigned_team":
      return void changeConversation(tx, by, c, { team_id: null });
    case "add_label":
      return changeLabels(tx, by, c, p.map(String), []);
    case "remove_label":
      return changeLabels(tx, by, c, [], p.map(String));
    case "send_message":
    case "add_private_note": {
      const isPrivate = action.action_name === "add_private_note";
      if (!isPrivate && c.additional_attributes?.type === "tweet") return;
      addMessage(tx, by, c, { message_type: 1, content: String(p[0] ?? ""), private: isPrivate, sender: ctx.sender, content_attributes: { ...ctx.contentAttributes } });
      return;
    }
    case "change_status": {
      const status = String(p[0]) as ConversationRow["status"];
      if (!(CONVERSATION_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown status ${status}`);
      return void changeConversation(tx, by, c, { status, snoozed_until: null });
    }
    case "resolve_conversation":
      return void changeConversation(tx, by, c, { status: "resolved" });
    case "open_conversation":
      return void changeConversation(tx, by, c, { status: "open" });
    case "pending_conversation":
      return void changeConversation(tx, by, c, { status: "pending" });
    case "snooze_conversation":
      // Until the contact's next reply, as Chatwoot's snoozed! does.
      return void changeConversation(tx, by, c, { status: "snoozed", snoozed_until: null });
    case "change_priority": {
      const value = p[0] === "nil" || p[0] == null ? null : (PRIORITIES as readonly string[]).indexOf(String(p[0]));
      if (value === -1) throw new Error(`unknown priority ${String(p[0])}`);
      return void changeConversation(tx, by, c, { priority: value });
    }
    case "mute_conversation":
      return mute(tx, by, c);
    case "send_email_transcript": {
      const sent: string[] = [];
      for (const address of transcriptAddresses(p[0])) {
        queueTranscript(tx, c, transcriptRecipient(address), ctx.publicUrl);
        sent.push(address);
      }
      if (sent.length) ctx.log?.(tx, c, `sent the conversation transcript to ${sent.join(", ")}`);
      return;
    }
    case "send_email_to_team": {
      const spec = (p[0] ?? {}) as { team_ids?: number[]; message?: string };
      const teamIds = (spec.team_ids ?? []).filter((t) => isAccountTeam(tx.db, c.account_id, t));
      if (!teamIds.length) throw new Error("no team of the account to email");
      const recipients = tx.db
        .selectDistinct({ email: users.email })
        .from(team_members)
        .innerJoin(users, eq(users.id, team_members.user_id))
        .where(inArray(team_members.team_id, teamIds))
        .all()
        .map((r) => r.email)
        .filter((e): e is string => !!e);
      const link = `${ctx.publicUrl}/app/accounts/${c.account_id}/conversations/${c.display_id}`;
      for (const to of recipients) {
        queueMail(tx, { to, subject: `Conversation #${c.display_id}: ${by.name}`, text: `${spec.message ?? ""}\n\n${link}` });
      }
      ctx.log?.(tx, c, `emailed ${recipients.length} team member${recipients.length === 1 ? "" : "s"}`);
      return;
    }
    case "send_attachment": {
      if (c.additional_attributes?.type === "tweet") return;
      const files = automationFilesByIds(tx.db, c.account_id, p.map(Number));
      if (!files.length) throw new Error("send_attachment: none of its files exist any more");
      const { attachments, discard } = copyForMessage(ctx.dataDir, files);
      try {
        addMessage(tx, by, c, { message_type: 1, content: null, sender: ctx.sender, content_attributes: { ...ctx.contentAttributes }, files: attachments });
      } catch (err) {
        discard();
        throw err;
      }
      return;
    }
    case "send_webhook_event": {
      const url = parseUrl(p[0]);
      if (!url) throw new Error("send_webhook_event needs an http(s) URL");
      const data = conversationWebhookData(tx.db, c.id, ctx.publicUrl) as Record<string, unknown>;
      enqueueHttpDelivery(tx, {
        url: url.toString(),
        payload: { ...data, event: ctx.webhookEvent },
        secret: null,
        event: ctx.webhookEvent,
        orderingKey: `automation-webhook:${c.id}`,
      });
      return;
    }
    case "add_sla": {
      // Enterprise::ActionService#add_sla: only a conversation without an SLA gets one.
      if (c.sla_policy_id != null) return;
      return void applySlaPolicy(tx, c, Number(p[0]), eventPerformer(by).performer);
    }
    default:
      throw new Error(`unknown action ${action.action_name}`);
  }
}
