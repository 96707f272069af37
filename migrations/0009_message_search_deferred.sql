-- Messages are indexed for search in batches (src/domain/search/index-maintenance.ts: the periodic task and every
-- search catch up from search_index_state.last_id) instead of by a trigger on each insert: the per-insert trigger
-- roughly doubled the cost of writing a message, the hot path. Edits and deletions of indexed messages still go
-- through triggers, and only for ids the index already holds (an external-content FTS5 table must never be
-- told to delete a row it does not have).
CREATE TABLE `search_index_state` (`name` text PRIMARY KEY NOT NULL, `last_id` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `search_index_state` (`name`, `last_id`) VALUES ('messages', (SELECT coalesce(max(`id`), 0) FROM `messages`));
--> statement-breakpoint
DROP TRIGGER `message_search_ai`;
--> statement-breakpoint
DROP TRIGGER `message_search_ad`;
--> statement-breakpoint
DROP TRIGGER `message_search_au`;
--> statement-breakpoint
CREATE TRIGGER `message_search_ad` AFTER DELETE ON `messages`
WHEN old.content IS NOT NULL AND old.message_type <> 2 AND old.id <= (SELECT `last_id` FROM `search_index_state` WHERE `name` = 'messages') BEGIN
  INSERT INTO message_search(message_search, rowid, content) VALUES ('delete', old.id, old.content);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_au` AFTER UPDATE OF content, message_type ON `messages`
WHEN old.id <= (SELECT `last_id` FROM `search_index_state` WHERE `name` = 'messages') BEGIN
  INSERT INTO message_search(message_search, rowid, content) SELECT 'delete', old.id, old.content WHERE old.content IS NOT NULL AND old.message_type <> 2;
  INSERT INTO message_search(rowid, content) SELECT new.id, new.content WHERE new.content IS NOT NULL AND new.message_type <> 2;
END;
