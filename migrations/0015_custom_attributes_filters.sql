CREATE TABLE `custom_attribute_definitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`attribute_display_name` text NOT NULL,
	`attribute_key` text NOT NULL,
	`attribute_model` text NOT NULL,
	`attribute_display_type` text NOT NULL,
	`attribute_description` text,
	`attribute_values` text NOT NULL,
	`regex_pattern` text,
	`regex_cue` text,
	`default_value` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_attribute_definitions_key_unique` ON `custom_attribute_definitions` (`account_id`,`attribute_model`,`attribute_key`);--> statement-breakpoint
CREATE TABLE `custom_filters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`filter_type` text NOT NULL,
	`query` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `custom_filters_account_user_idx` ON `custom_filters` (`account_id`,`user_id`,`filter_type`);