CREATE TABLE `applied_slas` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`sla_policy_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`sla_status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sla_policy_id`) REFERENCES `sla_policies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `applied_slas_account_policy_conversation_unique` ON `applied_slas` (`account_id`,`sla_policy_id`,`conversation_id`);--> statement-breakpoint
CREATE INDEX `applied_slas_conversation_idx` ON `applied_slas` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `applied_slas_policy_idx` ON `applied_slas` (`sla_policy_id`);--> statement-breakpoint
CREATE INDEX `applied_slas_account_created_idx` ON `applied_slas` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `sla_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`applied_sla_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`inbox_id` integer NOT NULL,
	`sla_policy_id` integer NOT NULL,
	`event_type` text NOT NULL,
	`meta` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`applied_sla_id`) REFERENCES `applied_slas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sla_policy_id`) REFERENCES `sla_policies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sla_events_applied_sla_idx` ON `sla_events` (`applied_sla_id`);--> statement-breakpoint
CREATE INDEX `sla_events_conversation_idx` ON `sla_events` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `sla_events_account_created_idx` ON `sla_events` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `sla_events_inbox_idx` ON `sla_events` (`inbox_id`);--> statement-breakpoint
CREATE INDEX `sla_events_policy_idx` ON `sla_events` (`sla_policy_id`);--> statement-breakpoint
CREATE TABLE `sla_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`first_response_time_threshold` real,
	`next_response_time_threshold` real,
	`resolution_time_threshold` real,
	`only_during_business_hours` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sla_policies_account_idx` ON `sla_policies` (`account_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla_policy_id` integer REFERENCES sla_policies(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `conversations_sla_policy_idx` ON `conversations` (`sla_policy_id`) WHERE sla_policy_id IS NOT NULL;