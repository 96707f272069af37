DROP INDEX `conversations_assignee_status_idx`;--> statement-breakpoint
CREATE INDEX `conversations_assignee_status_idx` ON `conversations` (`account_id`,`assignee_id`,`status`,`inbox_id`);