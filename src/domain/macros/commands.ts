import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { users } from "../../db/schema/accounts.ts";
import { macros } from "../../db/schema/automation.ts";
import type { Tx } from "../../db/tx.ts";
import type { AppDeps } from "../../deps.ts";
import { isAdministrator, type AccountScope } from "../accounts/access.ts";
import { applyAction, MACRO_ACTIONS, validateActions, type ActionContext } from "../automation/actions.ts";
import { conversationAccess, canSeeConversation } from "../conversations/policy.ts";
import { conversations } from "../../db/schema/conversations.ts";
import { Forbidden, NotFound, Validation } from "../errors.ts";
import { addActivityMessage } from "../messages/commands.ts";

export type MacroRow = typeof macros.$inferSelect;
export type MacroInput = { name?: unknown; visibility?: unknown; actions?: unknown };

const VISIBILITIES = ["personal", "global"] as const;

/**
 * Chatwoot's MacroPolicy: everyone sees the account's global macros and their own personal ones and may run them;
 * administrators manage global macros, a personal macro is its author's. Agents create personal macros only.
 */
function canSee(scope: AccountScope, m: MacroRow): boolean {
  return m.visibility === "global" || (scope.userId != null && m.created_by_id === scope.userId);
}

function canManage(scope: AccountScope, m: MacroRow): boolean {
  return m.visibility === "global" ? isAdministrator(scope) : scope.userId != null && m.created_by_id === scope.userId;
}

export function listMacros(db: Db, scope: AccountScope): MacroRow[] {
  const own = scope.userId != null ? and(eq(macros.visibility, "personal"), eq(macros.created_by_id, scope.userId)) : undefined;
  return db
    .select()
    .from(macros)
    .where(and(eq(macros.account_id, scope.account.id), own ? or(eq(macros.visibility, "global"), own) : eq(macros.visibility, "global")))
    .orderBy(asc(macros.id))
    .all();
}

/** A macro the acting user may see (another's personal macro is a 404, as if it did not exist). */
export function getMacro(db: Db, scope: AccountScope, id: number): MacroRow {
  const m = db
    .select()
    .from(macros)
    .where(and(eq(macros.id, id), eq(macros.account_id, scope.account.id)))
    .get();
  if (!m || !canSee(scope, m)) throw new NotFound("Macro");
  return m;
}

function checked(tx: Tx, scope: AccountScope, input: MacroInput, current: MacroRow | null) {
  if (scope.userId == null) throw new Forbidden();
  const name = input.name !== undefined ? input.name : current?.name;
  if (typeof name !== "string" || !name.trim()) throw Validation.field("name", "can't be blank");
  if (name.length > 255) throw Validation.field("name", "is too long (maximum is 255 characters)");
  let visibility = input.visibility !== undefined && input.visibility !== null && input.visibility !== "" ? input.visibility : (current?.visibility ?? "personal");
  if (typeof visibility !== "string" || !(VISIBILITIES as readonly string[]).includes(visibility)) throw Validation.field("visibility", "must be personal or global");
  // Macro#set_visibility: an agent's macro is personal whatever they ask for.
  if (!isAdministrator(scope)) visibility = "personal";
  const actions = validateActions(tx.db, scope.account.id, input.actions !== undefined ? input.actions : current?.actions, MACRO_ACTIONS, { allowSelf: true });
  return { name: name.trim(), visibility: visibility as MacroRow["visibility"], actions };
}

export function createMacro(tx: Tx, scope: AccountScope, input: MacroInput): MacroRow {
  const values = checked(tx, scope, input, null);
  return tx.db
    .insert(macros)
    .values({ ...values, account_id: scope.account.id, created_by_id: scope.userId, updated_by_id: scope.userId, created_at: tx.now, updated_at: tx.now })
    .returning()
    .get();
}

export function updateMacro(tx: Tx, scope: AccountScope, id: number, input: MacroInput): MacroRow {
  const current = getMacro(tx.db, scope, id);
  if (!canManage(scope, current)) throw new Forbidden();
  const values = checked(tx, scope, input, current);
  // An administrator keeps a global macro global unless they say otherwise; an agent cannot reach a global one here.
  return tx.db
    .update(macros)
    .set({ ...values, updated_by_id: scope.userId, updated_at: tx.now })
    .where(and(eq(macros.id, id), eq(macros.account_id, scope.account.id)))
    .returning()
    .get()!;
}

export function deleteMacro(tx: Tx, scope: AccountScope, id: number): void {
  const current = getMacro(tx.db, scope, id);
  if (!canManage(scope, current)) throw new Forbidden();
  tx.db.delete(macros).where(and(eq(macros.id, id), eq(macros.account_id, scope.account.id))).run();
}

/** How activity messages name a macro's changes: "Assigned to Bo by Ada via macro Escalate". */
export function macroPerformerName(userName: string, macroName: string): string {
  return `${userName} via macro ${macroName}`;
}

/**
 * POST …/macros/{id}/execute: runs the macro's actions in order on each conversation the user may see (others are
 * skipped), as the user. Each action runs in a transaction of its own: one that fails is logged and the next runs.
 * Returns the ids of the conversations it ran on.
 */
export function executeMacro(deps: AppDeps, scope: AccountScope, id: number, conversationIds: number[]): number[] {
  const macro = getMacro(deps.db, scope, id);
  if (scope.actor.type !== "user") throw new Forbidden();
  // Still valid? A label, agent or team it names may have been deleted since: 422 naming the action.
  validateActions(deps.db, scope.account.id, macro.actions, MACRO_ACTIONS, { allowSelf: true });
  const user = scope.actor.user;
  const name = macroPerformerName(user.display_name?.trim() || user.name, macro.name);
  const access = conversationAccess(deps.db, scope);
  const rows = conversationIds.length
    ? deps.db
        .select()
        .from(conversations)
        .where(and(eq(conversations.account_id, scope.account.id), inArray(conversations.display_id, conversationIds)))
        .all()
        .filter((c) => canSeeConversation(deps.db, access, c))
    : [];
  const ctx: ActionContext = {
    by: { type: "User", id: user.id, name },
    sender: { type: "User", id: user.id },
    contentAttributes: {},
    userId: user.id,
    publicUrl: deps.config.publicUrl,
    dataDir: deps.config.dataDir,
    webhookEvent: "macro.executed",
    log: (tx, c, text) => void addActivityMessage(tx, c, `${name} ${text}`),
  };
  for (const c of rows) {
    for (const [i, action] of macro.actions.entries()) {
      try {
        deps.tx((tx) => applyAction(tx, ctx, c.id, action));
      } catch (err) {
        deps.log.warn("macro action failed", { macro_id: macro.id, action: i, action_name: action.action_name, conversation_id: c.id, err: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return rows.map((c) => c.display_id);
}

/** Chatwoot's macro partial (created_by / updated_by as users' push data). */
export function macrosJson(db: Db, rows: MacroRow[]) {
  const ids = [...new Set(rows.flatMap((m) => [m.created_by_id, m.updated_by_id]).filter((x): x is number => x != null))];
  const people = new Map(
    (ids.length ? db.select({ id: users.id, name: users.name, display_name: users.display_name, email: users.email, avatar_url: users.avatar_url }).from(users).where(inArray(users.id, ids)).all() : []).map((u) => [u.id, u]),
  );
  const person = (id: number | null) => {
    const u = id != null ? people.get(id) : undefined;
    return u ? { id: u.id, name: u.name, available_name: u.display_name?.trim() || u.name, email: u.email, avatar_url: u.avatar_url ?? "", type: "user" } : null;
  };
  return rows.map((m) => ({
    id: m.id,
    account_id: m.account_id,
    name: m.name,
    visibility: m.visibility,
    actions: m.actions,
    created_by: person(m.created_by_id),
    updated_by: person(m.updated_by_id),
    created_at: Math.floor(m.created_at / 1000),
    updated_at: Math.floor(m.updated_at / 1000),
  }));
}
