CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`uuid` text NOT NULL,
	`event` text NOT NULL,
	`subject` text NOT NULL,
	`source` text,
	`body` text,
	`webhook_ids` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_events_created_idx` ON `webhook_events` (`created_at`);--> statement-breakpoint
-- Each delivery of the earlier layout (one body per delivery) becomes an event of its own, with the same id.
INSERT INTO `webhook_events` (`id`, `account_id`, `uuid`, `event`, `subject`, `body`, `webhook_ids`, `created_at`)
  SELECT `id`, `account_id`, `delivery_uuid`, `event`, '', `body`, json_array(`webhook_id`), `created_at` FROM `webhook_deliveries`;--> statement-breakpoint
DROP INDEX `webhook_deliveries_uuid_unique`;--> statement-breakpoint
DROP INDEX `webhook_deliveries_created_idx`;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `event_id` integer REFERENCES webhook_events(id) ON DELETE cascade;--> statement-breakpoint
UPDATE `webhook_deliveries` SET `event_id` = `id`;--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event_webhook_unique` ON `webhook_deliveries` (`event_id`,`webhook_id`);--> statement-breakpoint
ALTER TABLE `webhook_deliveries` DROP COLUMN `body`;--> statement-breakpoint
-- Unfinished account-webhook jobs of the earlier layout (http.deliver carrying the body) become webhook.deliver jobs
-- of their delivery row; their ordering keys (webhook:W:subject) and attempt counts stay as they were.
UPDATE `jobs` SET `kind` = 'webhook.deliver',
  `payload` = json_object('delivery_id', (SELECT d.`id` FROM `webhook_deliveries` d WHERE d.`delivery_uuid` = json_extract(`jobs`.`payload`, '$.delivery_id')), 'offset', 0)
  WHERE `kind` = 'http.deliver' AND json_extract(`payload`, '$.target.type') = 'account_webhook' AND `status` IN ('pending', 'blocked', 'running');
