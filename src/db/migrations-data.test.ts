// Migrations that move data: the rows a database had before keep their meaning after.
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { migrate } from "./migrate.ts";
import { migrations } from "./migrations.gen.ts";

const upTo = (name: string) => migrations.slice(0, migrations.findIndex((m) => m.name === name) + 1);

test("0011 webhook events: each logged delivery keeps its body through an event; unfinished delivery jobs follow it", () => {
  const db = new Database(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, upTo("0010_csat_working_hours"));
  db.exec(`
    INSERT INTO accounts (id, name, created_at, updated_at) VALUES (1, 'A', 0, 0);
    INSERT INTO webhooks (id, account_id, url, subscriptions, secret, created_at, updated_at) VALUES (7, 1, 'http://h.example/x', '["message_created"]', 's', 0, 0);
    INSERT INTO webhook_deliveries (id, account_id, webhook_id, delivery_uuid, event, body, status, attempts, created_at, updated_at)
      VALUES (3, 1, 7, 'uuid-3', 'message_created', '{"content":"kept"}', 'pending', 1, 1000, 1000);
    INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, created_at) VALUES (3, 1, 503, 5, 1000);
    INSERT INTO jobs (kind, status, payload, run_at, ordering_key, attempts, max_attempts, created_at, updated_at)
      VALUES ('http.deliver', 'pending', '{"url":"http://h.example/x","body":"{}","secret":"s","delivery_id":"uuid-3","event":"message_created","target":{"type":"account_webhook","id":7}}', 0, 'webhook:7:conversation:1', 1, 8, 0, 0),
             ('http.deliver', 'pending', '{"url":"http://cb.example","body":"{}","secret":"s","delivery_id":"cb","event":"message_created","target":{"type":"api_inbox","id":2}}', 0, 'callback:2:1', 0, 8, 0, 0);
  `);
  migrate(db, migrations);
  const delivery = db.query("SELECT d.id, d.event_id, d.delivery_uuid, d.status, e.body, e.webhook_ids FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id").all();
  expect(delivery).toEqual([{ id: 3, event_id: 3, delivery_uuid: "uuid-3", status: "pending", body: '{"content":"kept"}', webhook_ids: "[7]" }]);
  expect(db.query("SELECT delivery_id, status_code FROM webhook_delivery_attempts").all()).toEqual([{ delivery_id: 3, status_code: 503 }]);
  const jobs = db.query("SELECT kind, payload, ordering_key FROM jobs ORDER BY id").all() as { kind: string; payload: string; ordering_key: string }[];
  expect(jobs.map((j) => [j.kind, j.kind === "webhook.deliver" ? JSON.parse(j.payload).delivery_id : JSON.parse(j.payload).url, j.ordering_key])).toEqual([
    ["webhook.deliver", 3, "webhook:7:conversation:1"],
    ["http.deliver", "http://cb.example", "callback:2:1"],
  ]);
  // Pruning an event takes its deliveries and their attempts with it.
  db.exec("DELETE FROM webhook_events");
  expect(db.query("SELECT count(*) AS n FROM webhook_delivery_attempts").get()).toEqual({ n: 0 });
});
