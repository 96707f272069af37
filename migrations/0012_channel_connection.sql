ALTER TABLE `channels` ADD `connection_status` text;--> statement-breakpoint
ALTER TABLE `channels` ADD `connection_error` text;--> statement-breakpoint
ALTER TABLE `channels` ADD `connection_checked_at` integer;