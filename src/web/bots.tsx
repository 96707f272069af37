/** @jsxImportSource hono/jsx */
// Settings → Bots and the inboxes' bot configuration (the Inboxes pages are in settings/inbox-label-role-profile.tsx), for administrators.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { createAgentBot, deleteAgentBot } from "../domain/agent-bots/commands.ts";
import { inboxesWithBots, setInboxAgentBot } from "../domain/agent-bots/inboxes.ts";
import { agentBotAccessToken, listAgentBotsForAccount } from "../domain/agent-bots/queries.ts";
import { Forbidden } from "../domain/errors.ts";
import { accountPath } from "../../views/layouts/app.tsx";
import { BotsPage, type BotFormValues, type BotItem } from "../../views/pages/settings/bots.tsx";
import { InboxBotRowView } from "../../views/pages/settings/inboxes.tsx";
import type { Notice } from "../../views/components/form.tsx";
import { isAdmin, isHtmx, render, fragment, shellOf, type WebContext } from "./context.ts";
import { fieldErrorsOf, readForm, submitted, text } from "./forms.ts";
import { access } from "./settings.tsx";
import { accountIdOf as accountId, idParam, savedNotice } from "./settings/crud.ts";

const botForm = z.object({ name: text(), avatar_url: text(2048), outgoing_url: text(2048) });
const pickForm = z.object({ agent_bot: z.string().catch("").pipe(z.string().regex(/^\d{0,15}$/, { message: "must be a bot" })) });

const NOTICES: Record<string, Notice> = {
  created: { kind: "success", title: "Bot created", text: "Connect it to an inbox under Settings → Inboxes." },
  deleted: { kind: "success", title: "Bot deleted" },
  saved: { kind: "success", title: "Bot configuration saved" },
};

function requireAdmin(c: WebContext) {
  if (!isAdmin(c)) throw new Forbidden("Only administrators can configure bots");
}
const pathTo = (c: WebContext, page: string) => accountPath(accountId(c), `settings/${page}`);

function botItems(c: WebContext): BotItem[] {
  const db = c.var.deps.db;
  const inboxes = inboxesWithBots(db, accountId(c));
  return listAgentBotsForAccount(db, accountId(c)).map((b) => {
    const own = b.account_id !== null;
    return {
      id: b.id,
      name: b.name,
      avatarUrl: b.avatar_url,
      outgoingUrl: own ? b.outgoing_url : null,
      systemBot: !own,
      token: own ? (agentBotAccessToken(db, b.id)?.token ?? null) : null,
      secret: own ? b.secret : null,
      inboxes: inboxes.filter((i) => i.bot_id === b.id).map((i) => i.name),
    };
  });
}

function botsPage(c: WebContext, status: 200 | 422, extra: { values?: BotFormValues; errors?: Record<string, string> } = {}) {
  const page = <BotsPage shell={shellOf(c, "settings", "Bots")} access={access(c)} bots={botItems(c)} notice={savedNotice(c, NOTICES)} {...extra} />;
  return render(c, page, status);
}

const choices = (c: WebContext) => listAgentBotsForAccount(c.var.deps.db, accountId(c)).map((b) => ({ id: b.id, name: b.name }));
const inboxRows = (c: WebContext) => inboxesWithBots(c.var.deps.db, accountId(c)).map((i) => ({ id: i.id, name: i.name, channel: i.channel_type.replace("Channel::", ""), botId: i.bot_id }));

/** Mounted at /app/accounts/:accountId/settings (next to the other settings pages). */
export const botSettingsRoutes = new Hono<AppEnv>()
  .use("/bots/*", async (c, next) => (requireAdmin(c), next()))
  .use("/bots", async (c, next) => (requireAdmin(c), next()))
  .use("/inboxes/*", async (c, next) => (requireAdmin(c), next()))
  .use("/inboxes", async (c, next) => (requireAdmin(c), next()))
  .get("/bots", (c) => botsPage(c, 200))
  .post("/bots", async (c) => {
    try {
      const form = await readForm(c, botForm);
      c.var.deps.tx((tx) =>
        createAgentBot(tx, { name: form.name, avatar_url: form.avatar_url || null, outgoing_url: form.outgoing_url || null, account_id: accountId(c) }),
      );
      return c.redirect(`${pathTo(c, "bots")}?saved=created`, 303);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return botsPage(c, 422, { values: await submitted(c, ["name", "avatar_url", "outgoing_url"]), errors });
    }
  })
  .post("/bots/:botId/delete", (c) => {
    const botId = idParam(c.req.param("botId"), "Agent bot");
    c.var.deps.tx((tx) => deleteAgentBot(tx, botId, { accountId: accountId(c) }));
    return c.redirect(`${pathTo(c, "bots")}?saved=deleted`, 303);
  })
  .post("/inboxes/:inboxId/bot", async (c) => {
    const inboxId = idParam(c.req.param("inboxId"), "Inbox");
    const form = await readForm(c, pickForm);
    c.var.deps.tx((tx) => setInboxAgentBot(tx, accountId(c), inboxId, form.agent_bot ? Number(form.agent_bot) : null));
    if (!isHtmx(c)) return c.redirect(`${pathTo(c, "inboxes")}?saved=saved`, 303);
    const row = inboxRows(c).find((i) => i.id === inboxId)!;
    return fragment(c, <InboxBotRowView accountId={accountId(c)} csrf={c.get("csrfToken") ?? ""} inbox={row} bots={choices(c)} saved />);
  });
