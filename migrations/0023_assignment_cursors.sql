CREATE TABLE `assignment_cursors` (
	`inbox_id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `assignment_cursors` (`inbox_id`, `user_id`) SELECT `id`, `last_assigned_user_id` FROM `inboxes` WHERE `last_assigned_user_id` IS NOT NULL;
