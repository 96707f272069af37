CREATE TABLE `csat_survey_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`message_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`assigned_agent_id` integer,
	`rating` integer NOT NULL,
	`feedback_message` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assigned_agent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `csat_survey_responses_message_unique` ON `csat_survey_responses` (`message_id`);--> statement-breakpoint
CREATE INDEX `csat_survey_responses_account_created_idx` ON `csat_survey_responses` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `csat_survey_responses_conversation_idx` ON `csat_survey_responses` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `working_hours` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`inbox_id` integer NOT NULL,
	`day_of_week` integer NOT NULL,
	`closed_all_day` integer DEFAULT false NOT NULL,
	`open_all_day` integer DEFAULT false NOT NULL,
	`open_hour` integer,
	`open_minutes` integer,
	`close_hour` integer,
	`close_minutes` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `working_hours_inbox_day_unique` ON `working_hours` (`inbox_id`,`day_of_week`);--> statement-breakpoint
CREATE INDEX `working_hours_account_idx` ON `working_hours` (`account_id`);--> statement-breakpoint
ALTER TABLE `inboxes` ADD `csat_config` text DEFAULT '{}' NOT NULL;