CREATE TABLE `agent_capacity_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`exclusion_rules` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_capacity_policies_account_idx` ON `agent_capacity_policies` (`account_id`);--> statement-breakpoint
CREATE TABLE `agent_capacity_policy_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`agent_capacity_policy_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_capacity_policy_id`) REFERENCES `agent_capacity_policies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agent_capacity_policy_users_account_user_unique` ON `agent_capacity_policy_users` (`account_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `agent_capacity_policy_users_policy_idx` ON `agent_capacity_policy_users` (`agent_capacity_policy_id`);--> statement-breakpoint
CREATE TABLE `assignment_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`assignment_order` text DEFAULT 'round_robin' NOT NULL,
	`conversation_priority` text DEFAULT 'earliest_created' NOT NULL,
	`fair_distribution_limit` integer DEFAULT 100 NOT NULL,
	`fair_distribution_window` integer DEFAULT 3600 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assignment_policies_account_name_unique` ON `assignment_policies` (`account_id`,`name`);--> statement-breakpoint
CREATE TABLE `auto_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`inbox_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`assigned_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `auto_assignments_inbox_user_at_idx` ON `auto_assignments` (`inbox_id`,`user_id`,`assigned_at`);--> statement-breakpoint
CREATE INDEX `auto_assignments_conversation_idx` ON `auto_assignments` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `inbox_assignment_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`inbox_id` integer NOT NULL,
	`assignment_policy_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assignment_policy_id`) REFERENCES `assignment_policies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_assignment_policies_inbox_unique` ON `inbox_assignment_policies` (`inbox_id`);--> statement-breakpoint
CREATE INDEX `inbox_assignment_policies_policy_idx` ON `inbox_assignment_policies` (`assignment_policy_id`);--> statement-breakpoint
CREATE TABLE `inbox_capacity_limits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent_capacity_policy_id` integer NOT NULL,
	`inbox_id` integer NOT NULL,
	`conversation_limit` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`agent_capacity_policy_id`) REFERENCES `agent_capacity_policies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_capacity_limits_policy_inbox_unique` ON `inbox_capacity_limits` (`agent_capacity_policy_id`,`inbox_id`);--> statement-breakpoint
CREATE INDEX `inbox_capacity_limits_inbox_idx` ON `inbox_capacity_limits` (`inbox_id`);