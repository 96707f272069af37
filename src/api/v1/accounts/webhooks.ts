import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../deps.ts";
import { requireAdministrator } from "../../../domain/accounts/access.ts";
import { createWebhook, deleteWebhook, redeliverWebhookDelivery, rotateWebhookSecret, updateWebhook } from "../../../domain/webhooks/commands.ts";
import { getDeliveryView, listDeliveries, listWebhooks, webhookView } from "../../../domain/webhooks/queries.ts";
import { idParam, parseWith, readBody, readQuery } from "../../validate.ts";
import { bool } from "./conversation-params.ts";

const fields = {
  url: z.string({ error: "must be a string" }).max(2048, "is too long (maximum is 2048 characters)"),
  name: z.string({ error: "must be a string" }).max(255, "is too long (maximum is 255 characters)").nullable().optional(),
  subscriptions: z.array(z.string({ error: "must be a list of event names" }), { error: "must be a list of event names" }).max(50).optional(),
  inbox_id: z.coerce.number({ error: "must be an inbox id" }).int().positive().nullable().optional(),
  enabled: bool.optional(),
};
const createFields = z.object(fields);
const updateFields = z.object({ ...fields, url: fields.url.optional() });
/** Chatwoot wraps the fields in `webhook`; bare fields are accepted too. */
const wrapped = <S extends z.ZodType>(schema: S) =>
  z
    .object({ webhook: z.unknown().optional() })
    .passthrough()
    .transform((b) => parseWith(schema, b.webhook ?? b) as z.infer<S>);
const pageQuery = z.object({
  page: z.coerce.number({ error: "must be a positive integer" }).int("must be a positive integer").min(1, "must be a positive integer").max(1_000_000).default(1),
});

/** /api/v1/accounts/:account_id/webhooks — administrators only. */
export const webhookRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    requireAdministrator(c.var.scope);
    await next();
  })
  .get("/", (c) => c.json({ payload: { webhooks: listWebhooks(c.var.deps.db, c.var.scope.account.id) } }))
  .post("/", async (c) => {
    const body = await readBody(c, wrapped(createFields));
    const hook = c.var.deps.tx((tx) => createWebhook(tx, c.var.scope, body));
    return c.json({ payload: { webhook: webhookView(c.var.deps.db, hook) } });
  })
  .on(["PATCH", "PUT"], "/:id", async (c) => {
    const id = idParam(c, "id");
    const body = await readBody(c, wrapped(updateFields));
    const hook = c.var.deps.tx((tx) => updateWebhook(tx, c.var.scope, id, body));
    return c.json({ payload: { webhook: webhookView(c.var.deps.db, hook) } });
  })
  .delete("/:id", (c) => {
    const id = idParam(c, "id");
    c.var.deps.tx((tx) => deleteWebhook(tx, c.var.scope, id));
    return c.body(null, 200);
  })
  .post("/:id/rotate_secret", (c) => {
    const id = idParam(c, "id");
    const hook = c.var.deps.tx((tx) => rotateWebhookSecret(tx, c.var.scope, id));
    return c.json({ payload: { webhook: webhookView(c.var.deps.db, hook) } });
  })
  .get("/:id/deliveries", (c) => {
    const id = idParam(c, "id");
    const q = readQuery(c, pageQuery);
    const { deliveries, meta } = listDeliveries(c.var.deps.db, c.var.scope.account.id, id, q.page);
    return c.json({ meta, payload: { deliveries } });
  })
  .post("/:id/deliveries/:delivery_id/redeliver", (c) => {
    const id = idParam(c, "id");
    const deliveryId = idParam(c, "delivery_id");
    const d = c.var.deps.tx((tx) => redeliverWebhookDelivery(tx, c.var.scope, id, deliveryId));
    return c.json({ payload: { delivery: getDeliveryView(c.var.deps.db, c.var.scope.account.id, d.id) } });
  });
