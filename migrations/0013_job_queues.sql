DROP INDEX `jobs_due_idx`;--> statement-breakpoint
ALTER TABLE `jobs` ADD `queue` text DEFAULT 'main' NOT NULL;--> statement-breakpoint
CREATE INDEX `jobs_queue_due_idx` ON `jobs` (`queue`,`status`,`run_at`);--> statement-breakpoint
-- Webhook deliveries run on their own queue (a thread of their own in the server).
UPDATE `jobs` SET `queue` = 'webhooks' WHERE `kind` IN ('webhook.fanout', 'webhook.deliver');
