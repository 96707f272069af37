/** @jsxImportSource hono/jsx */
// Dashboard routes of the WhatsApp channel, under /app/accounts/:accountId/settings/inboxes/channels/whatsapp:
// Embedded Signup (start: redirect to Meta's dialog; callback: create the inbox) and "Sync templates".
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../../deps.ts";
import { resolveAccountScope, type AccountScope } from "../../domain/accounts/access.ts";
import { Forbidden, NotFound, Validation } from "../../domain/errors.ts";
import { and, eq } from "drizzle-orm";
import { channels, inboxes } from "../../db/schema/inboxes.ts";
import { accountPath } from "../../../views/layouts/app.tsx";
import { currentSessionId, currentUser, isAdmin, render, shellOf, type WebContext } from "../../web/context.ts";
import { access } from "../../web/settings.tsx";
import { completeEmbeddedSignup, dialogUrl, embeddedSignupUnavailable, signupState, validState } from "./embedded-signup.ts";
import { GraphError } from "./graph.ts";
import { CHANNEL_TYPE } from "./settings.ts";
import { syncTemplates } from "./template-sync.ts";
import { WhatsappNoticePage } from "./views.tsx";

const accountId = (c: WebContext) => c.var.membership.account_id;
export const whatsappBase = (id: number) => accountPath(id, "settings/inboxes/channels/whatsapp");

function adminScope(c: WebContext): AccountScope {
  if (!isAdmin(c)) throw new Forbidden("Only administrators can manage inboxes");
  return resolveAccountScope(c.var.deps.db, { type: "user", user: currentUser(c)!, sessionId: currentSessionId(c) }, accountId(c));
}

function notice(c: WebContext, title: string, text: string, status: 400 | 422 = 422) {
  return render(
    c,
    <WhatsappNoticePage shell={shellOf(c, "settings", title)} access={access(c)} title={title} text={text} backHref={accountPath(accountId(c), "settings/inboxes")} />,
    status,
  );
}

export function whatsappDashboardRoutes(deps: AppDeps): Hono<AppEnv> {
  const redirectUri = (c: WebContext) => `${deps.config.publicUrl}${whatsappBase(accountId(c))}/callback`;
  return (
    new Hono<AppEnv>()
      // "Connect with WhatsApp Business": Meta's Embedded Signup dialog, or what the server still needs.
      .get("/signup", (c) => {
        adminScope(c);
        const unavailable = embeddedSignupUnavailable(deps.config);
        if (unavailable) return notice(c, "Embedded Signup is not set up", unavailable);
        const state = signupState(deps.config, accountId(c), currentUser(c)!.id, deps.clock.now());
        return c.redirect(dialogUrl(deps.config, redirectUri(c), state), 302);
      })
      // Meta redirects back here with ?code&state (or ?error… when the person cancelled).
      .get("/callback", async (c) => {
        const scope = adminScope(c);
        const q = c.req.query();
        if (q.error || q.error_reason) return notice(c, "WhatsApp signup was cancelled", q.error_description || q.error_reason || q.error || "Meta did not complete the signup.", 400);
        if (!q.state || !validState(deps.config, q.state, accountId(c), currentUser(c)!.id, deps.clock.now())) {
          return notice(c, "WhatsApp signup expired", "This signup link is invalid or older than 30 minutes. Start again from Add inbox → WhatsApp.", 400);
        }
        try {
          const result = await completeEmbeddedSignup(deps, scope, {
            code: q.code ?? "",
            redirectUri: redirectUri(c),
            waba_id: q.waba_id || null,
            phone_number_id: q.phone_number_id || null,
          });
          return c.redirect(accountPath(accountId(c), `settings/inboxes/${result.inbox.inbox.id}`), 303);
        } catch (err) {
          if (err instanceof Validation) return notice(c, "WhatsApp signup failed", err.errors.map((e) => `${e.field} ${e.message}`).join("; "));
          throw err;
        }
      })
      // The inbox page's "Sync templates" button (by channel id: the channel card's details name the channel).
      .post("/:channelId/sync_templates", async (c) => {
        adminScope(c);
        const raw = c.req.param("channelId");
        const found = /^\d{1,12}$/.test(raw)
          ? deps.db
              .select({ inbox: inboxes, channel: channels })
              .from(channels)
              .innerJoin(inboxes, eq(inboxes.channel_id, channels.id))
              .where(and(eq(channels.id, Number(raw)), eq(channels.account_id, accountId(c)), eq(channels.channel_type, CHANNEL_TYPE)))
              .get()
          : undefined;
        if (!found) throw new NotFound("Inbox");
        const back = accountPath(accountId(c), `settings/inboxes/${found.inbox.id}`);
        try {
          await syncTemplates(deps, found.channel);
        } catch (err) {
          return notice(c, "Template sync failed", err instanceof GraphError ? err.display : (err as Error).message);
        }
        if (c.req.header("hx-request") === "true") return c.body(null, 204, { "HX-Redirect": back });
        return c.redirect(back, 303);
      })
  );
}
