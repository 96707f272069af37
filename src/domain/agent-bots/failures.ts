// When the bot cannot be reached (Chatwoot's AgentBots::WebhookJob failure handling): a message event that still
// fails after the last attempt opens the conversation if it is waiting on the bot (pending), with an activity
// message, so the customer is not left with nobody answering.
import { and, eq } from "drizzle-orm";
import { conversations } from "../../db/schema/conversations.ts";
import type { AppDeps } from "../../deps.ts";
import { changeConversation } from "../conversations/changes.ts";
import { addActivityMessage } from "../messages/commands.ts";
import type { DeliveryAttempt } from "../webhooks/delivery.ts";

/** Chatwoot's conversations.activity.agent_bot.error_moved_to_open. */
export const BOT_ERROR_MOVED_TO_OPEN = "Conversation was marked open by system due to an error with the agent bot.";

/** Attempts before a bot delivery counts as failed (Chatwoot: 3, then the conversation is opened). */
export const BOT_DELIVERY_MAX_ATTEMPTS = 3;

export function openAfterBotFailure(deps: Pick<AppDeps, "tx" | "log">, a: DeliveryAttempt): void {
  const t = a.target;
  if (!t || t.type !== "agent_bot" || a.outcome !== "failed") return;
  if (a.event !== "message_created" && a.event !== "message_updated") return;
  if (t.account_id == null || t.conversation_id == null) return;
  const { account_id, conversation_id } = t;
  try {
    deps.tx((tx) => {
      const c = tx.db
        .select()
        .from(conversations)
        .where(and(eq(conversations.id, conversation_id), eq(conversations.account_id, account_id)))
        .get();
      if (!c || c.status !== "pending") return;
      const opened = changeConversation(tx, null, c, { status: "open" });
      addActivityMessage(tx, opened, BOT_ERROR_MOVED_TO_OPEN);
    });
  } catch (err) {
    deps.log.error("opening a conversation after a bot failure failed", { err, conversation_id });
  }
}
