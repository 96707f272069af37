DROP INDEX `conversations_account_status_activity_idx`;--> statement-breakpoint
DROP INDEX `conversations_account_activity_idx`;--> statement-breakpoint
CREATE INDEX `conversations_account_status_activity_idx` ON `conversations` (`account_id`,`status`,`last_activity_at`,`id`,`assignee_id`,`inbox_id`,`team_id`);--> statement-breakpoint
CREATE INDEX `conversations_account_activity_idx` ON `conversations` (`account_id`,`last_activity_at`,`id`,`assignee_id`,`inbox_id`,`team_id`);--> statement-breakpoint
DROP INDEX `messages_source_idx`;--> statement-breakpoint
CREATE INDEX `messages_source_idx` ON `messages` (`inbox_id`,`source_id`) WHERE source_id IS NOT NULL;