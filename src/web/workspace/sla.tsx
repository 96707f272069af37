/** @jsxImportSource hono/jsx */
// The workspace's SLA pieces: the sidebar card of the open conversation (GET, and POST to apply a policy through
// the same domain command as PATCH /conversations/{id} sla_policy_id) and the list rows' badges.
import { Hono } from "hono";
import type { AppEnv } from "../../deps.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { getVisibleConversation } from "../../domain/conversations/queries.ts";
import type { ConversationRow } from "../../domain/conversations/records.ts";
import { Validation } from "../../domain/errors.ts";
import { setConversationSlaPolicy } from "../../domain/sla/engine.ts";
import { canManageSlaPolicies, listSlaPolicies } from "../../domain/sla/policies.ts";
import { slaViewsFor, type SlaView } from "../../domain/sla/view.ts";
import { accountPath } from "../../../views/layouts/app.tsx";
import { SlaCard, type SlaBadgeData, type SlaCardData } from "../../../views/pages/conversations/sla.tsx";
import { currentSessionId, currentUser, fragment, isHtmx, type WebContext } from "../context.ts";

function scopeOf(c: WebContext): AccountScope {
  return resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, c.var.membership.account_id);
}

const displayIdOf = (c: WebContext) => {
  const raw = c.req.param("displayId") ?? "";
  return /^\d{1,12}$/.test(raw) ? Number(raw) : 0;
};

/** The list badge of a conversation's SLA view (the most urgent running target counts down). */
export function slaBadgeOf(view: SlaView | undefined): SlaBadgeData | null {
  if (!view) return null;
  const first = view.state === "hit" || view.status === "hit" || view.status === "missed" ? undefined : view.targets[0];
  return { state: view.state, headline: view.headline, policyName: view.policyName, dueAt: first?.dueAt ?? null, soonAt: first?.soonAt ?? null, label: first?.label ?? null };
}

/** The SLA badges of a page of list rows, by conversation id (no query when none has an SLA). */
export function slaBadgesFor(c: WebContext, rows: ConversationRow[]): Map<number, SlaBadgeData> {
  const out = new Map<number, SlaBadgeData>();
  for (const [id, view] of slaViewsFor(c.var.deps.db, rows, c.var.deps.clock.now())) {
    const badge = slaBadgeOf(view);
    if (badge) out.set(id, badge);
  }
  return out;
}

function cardData(c: WebContext, scope: AccountScope, conv: ConversationRow, error: string | null = null): SlaCardData {
  const now = c.var.deps.clock.now();
  const view = slaViewsFor(c.var.deps.db, [conv], now).get(conv.id);
  const badge = slaBadgeOf(view);
  const accountId = scope.account.id;
  return {
    base: accountPath(accountId, `conversations/${conv.display_id}/sla`),
    csrf: c.get("csrfToken") ?? "",
    sla:
      view && badge
        ? {
            ...badge,
            targets: view.targets.map((t) => ({ label: t.label, dueAt: t.dueAt, soonAt: t.soonAt, state: t.state })),
            misses: view.misses.map((m) => ({ label: m.label, at: m.at })),
            businessHoursOnly: view.businessHoursOnly,
          }
        : null,
    policies: view ? [] : listSlaPolicies(c.var.deps.db, accountId).map((p) => ({ id: p.id, name: p.name })),
    canManagePolicies: canManageSlaPolicies(scope),
    settingsUrl: accountPath(accountId, "settings/sla"),
    error,
    now,
  };
}

/** Mounted with the workspace under /app/accounts/:accountId. */
export const slaWorkspaceRoutes = new Hono<AppEnv>()
  .get("/conversations/:displayId/sla", (c) => {
    const scope = scopeOf(c);
    const conv = getVisibleConversation(c.var.deps.db, scope, displayIdOf(c));
    return fragment(c, <SlaCard d={cardData(c, scope, conv)} />);
  })
  .post("/conversations/:displayId/sla", async (c) => {
    const scope = scopeOf(c);
    const displayId = displayIdOf(c);
    getVisibleConversation(c.var.deps.db, scope, displayId);
    const type = c.req.header("content-type") ?? "";
    const body = type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data") ? await c.req.parseBody() : {};
    const raw = typeof body.sla_policy_id === "string" ? body.sla_policy_id.trim() : "";
    let error: string | null = null;
    try {
      if (!raw) throw Validation.field("sla_policy_id", "choose a policy");
      c.var.deps.tx((tx) => setConversationSlaPolicy(tx, scope, getVisibleConversation(tx.db, scope, displayId), raw));
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      error = `SLA policy: ${err.errors[0]?.message ?? "is invalid"}`;
    }
    if (!isHtmx(c) && !error) return c.redirect(accountPath(scope.account.id, `conversations/${displayId}`), 303);
    const conv = getVisibleConversation(c.var.deps.db, scope, displayId);
    return c.html(String(<SlaCard d={cardData(c, scope, conv, error)} />), error ? 422 : 200, { "Cache-Control": "no-store" });
  });
