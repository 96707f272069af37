ALTER TABLE `webhook_events` ADD `queued` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Events stored before this migration were enqueued with their fan-out job by the transaction that stored them.
UPDATE `webhook_events` SET `queued` = 1;--> statement-breakpoint
CREATE INDEX `webhook_events_unqueued_idx` ON `webhook_events` (`id`) WHERE queued = 0;
