-- A counter bumped by every write to the tables the in-memory read cache (src/db/read-cache.ts) serves from:
-- the cache is valid while the counter is unchanged, whichever process or connection wrote.
CREATE TABLE `config_version` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `version` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `config_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `config_version_users_insert` AFTER INSERT ON `users` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_users_update` AFTER UPDATE ON `users` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_users_delete` AFTER DELETE ON `users` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_access_tokens_insert` AFTER INSERT ON `access_tokens` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_access_tokens_update` AFTER UPDATE ON `access_tokens` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_access_tokens_delete` AFTER DELETE ON `access_tokens` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_account_users_insert` AFTER INSERT ON `account_users` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_account_users_update` AFTER UPDATE ON `account_users` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_account_users_delete` AFTER DELETE ON `account_users` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_accounts_insert` AFTER INSERT ON `accounts` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_accounts_update` AFTER UPDATE ON `accounts` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_accounts_delete` AFTER DELETE ON `accounts` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_custom_roles_insert` AFTER INSERT ON `custom_roles` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_custom_roles_update` AFTER UPDATE ON `custom_roles` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_custom_roles_delete` AFTER DELETE ON `custom_roles` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_agent_bots_insert` AFTER INSERT ON `agent_bots` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_agent_bots_update` AFTER UPDATE ON `agent_bots` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_agent_bots_delete` AFTER DELETE ON `agent_bots` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_agent_bot_inboxes_insert` AFTER INSERT ON `agent_bot_inboxes` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_agent_bot_inboxes_update` AFTER UPDATE ON `agent_bot_inboxes` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_agent_bot_inboxes_delete` AFTER DELETE ON `agent_bot_inboxes` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_webhooks_insert` AFTER INSERT ON `webhooks` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_webhooks_update` AFTER UPDATE ON `webhooks` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_webhooks_delete` AFTER DELETE ON `webhooks` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_inboxes_insert` AFTER INSERT ON `inboxes` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_inboxes_update` AFTER UPDATE ON `inboxes` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_inboxes_delete` AFTER DELETE ON `inboxes` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_channels_insert` AFTER INSERT ON `channels` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_channels_update` AFTER UPDATE ON `channels` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_channels_delete` AFTER DELETE ON `channels` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_inbox_members_insert` AFTER INSERT ON `inbox_members` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_inbox_members_update` AFTER UPDATE ON `inbox_members` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_inbox_members_delete` AFTER DELETE ON `inbox_members` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_teams_insert` AFTER INSERT ON `teams` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_teams_update` AFTER UPDATE ON `teams` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_teams_delete` AFTER DELETE ON `teams` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_team_members_insert` AFTER INSERT ON `team_members` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_team_members_update` AFTER UPDATE ON `team_members` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `config_version_team_members_delete` AFTER DELETE ON `team_members` BEGIN UPDATE `config_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
