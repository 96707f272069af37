// What an inbox's agent bot hears (Chatwoot's AgentBotListener): while a bot is connected and active on the
// conversation's inbox, its outgoing_url receives message_created / message_updated (incoming, outgoing and
// template messages, the bot's own included) and conversation_opened / conversation_resolved, whatever the
// conversation's status — a bot decides itself what to do with an open conversation. Payloads are the webhook
// payloads (the same serializers the API-channel callback and account webhooks use), signed with the bot's
// secret and sent by the durable http.deliver job. These run inside the emitting transaction.
import type { Tx } from "../../db/tx.ts";
import type { DomainEvent } from "../../events/types.ts";
import { conversationInboxId } from "../conversations/records.ts";
import { conversationWebhookData } from "../conversations/serialize.ts";
import { enqueueHttpDelivery } from "../webhooks/delivery.ts";
import { buildWebhookPayload, isWebhookWorthy, webhookEventName } from "../webhooks/payloads.ts";
import { BOT_DELIVERY_MAX_ATTEMPTS } from "./failures.ts";
import { activeInboxBot } from "./inboxes.ts";
import type { AgentBotRow } from "./queries.ts";

function botOfConversation(tx: Tx, accountId: number, conversationId: number): AgentBotRow | null {
  const inboxId = conversationInboxId(tx.db, accountId, conversationId);
  if (inboxId == null) return null;
  const bot = activeInboxBot(tx.db, accountId, inboxId);
  return bot?.outgoing_url?.trim() ? bot : null;
}

function deliver(tx: Tx, bot: AgentBotRow, accountId: number, conversationId: number, event: string, payload: Record<string, unknown>) {
  enqueueHttpDelivery(tx, {
    url: bot.outgoing_url!.trim(),
    payload,
    secret: bot.secret || null,
    event,
    // One conversation's bot events arrive in order.
    orderingKey: `agent_bot:${bot.id}:${conversationId}`,
    target: { type: "agent_bot", id: bot.id, account_id: accountId, conversation_id: conversationId },
    maxAttempts: BOT_DELIVERY_MAX_ATTEMPTS,
  });
}

/** message_created / message_updated to the inbox's bot: the same payload (and sendable rule) as webhooks. */
export function sendMessageToBot(tx: Tx, publicUrl: string, e: DomainEvent<"message.created" | "message.updated">): void {
  const bot = botOfConversation(tx, e.data.account_id, e.data.conversation_id);
  if (!bot || !isWebhookWorthy(tx.db, e)) return;
  const payload = buildWebhookPayload(tx.db, publicUrl, e);
  if (payload) deliver(tx, bot, e.data.account_id, e.data.conversation_id, webhookEventName(e.name), payload);
}

/** conversation_opened / conversation_resolved to the inbox's bot when the status becomes open / resolved. */
export function sendStatusToBot(tx: Tx, publicUrl: string, e: DomainEvent<"conversation.status_changed">): void {
  const { account_id, conversation_id, status } = e.data;
  const event = status === "open" ? "conversation_opened" : status === "resolved" ? "conversation_resolved" : null;
  if (!event) return;
  const bot = botOfConversation(tx, account_id, conversation_id);
  if (!bot) return;
  deliver(tx, bot, account_id, conversation_id, event, { ...conversationWebhookData(tx.db, conversation_id, publicUrl), event });
}
