import { Hono } from "hono";
import { z } from "zod";
import { CONVERSATION_STATUSES } from "../../../db/schema/conversations.ts";
import type { AppEnv } from "../../../deps.ts";
import { bulkUpdateConversations, MAX_BULK } from "../../../domain/conversations/bulk.ts";
import { readBody } from "../../validate.ts";
import { id, timestamp } from "./conversation-params.ts";

const labelNames = z.array(z.string().trim().min(1).max(255)).max(100);

const body = z.object({
  type: z.literal("Conversation", { error: "only Conversation is supported" }),
  ids: z.array(id).min(1, "can't be blank").max(MAX_BULK, `at most ${MAX_BULK} conversations at once`),
  fields: z
    .object({
      status: z.enum(CONVERSATION_STATUSES).optional(),
      assignee_id: id.nullable().optional(),
      team_id: id.nullable().optional(),
    })
    .optional(),
  labels: z.object({ add: labelNames.optional(), remove: labelNames.optional() }).optional(),
  snoozed_until: timestamp.nullable().optional(),
});

/**
 * POST /api/v1/accounts/:account_id/bulk_actions (Chatwoot's bulk actions for conversations). Chatwoot queues a job
 * and answers at once; Parley applies the change in one transaction and answers with what it did.
 */
export const bulkActionRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const input = await readBody(c, body);
  const result = c.var.deps.tx((tx) =>
    bulkUpdateConversations(tx, c.var.scope, input.ids, { ...input.fields, labels: input.labels, snoozed_until: input.snoozed_until }),
  );
  return c.json(result);
});
