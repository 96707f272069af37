CREATE TABLE `webhook_event_batches` (
	`id` integer PRIMARY KEY NOT NULL,
	`events` text NOT NULL,
	`created_at` integer NOT NULL
);
