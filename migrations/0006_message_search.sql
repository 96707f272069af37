-- Full-text index for global search (src/domain/search/): FTS5 over message text as an external-content
-- table (the text stays only in `messages`; the index holds tokens and rowids). unicode61 with diacritics
-- removed, detail=none (no positions: search asks only for all-terms prefix matches, and highlighting is done
-- on the text itself), no prefix indexes: these made a message insert on a 1M-message table the cheapest of
-- the variants measured (docs/decisions.md). Activity messages and messages without text are not indexed.
-- Written by hand: Drizzle's schema cannot express virtual tables or triggers.
CREATE VIRTUAL TABLE `message_search` USING fts5(content, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', detail = none);
--> statement-breakpoint
INSERT INTO message_search(rowid, content) SELECT id, content FROM messages WHERE content IS NOT NULL AND message_type <> 2;
--> statement-breakpoint
CREATE TRIGGER `message_search_ai` AFTER INSERT ON `messages` WHEN new.content IS NOT NULL AND new.message_type <> 2 BEGIN
  INSERT INTO message_search(rowid, content) VALUES (new.id, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_ad` AFTER DELETE ON `messages` WHEN old.content IS NOT NULL AND old.message_type <> 2 BEGIN
  INSERT INTO message_search(message_search, rowid, content) VALUES ('delete', old.id, old.content);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_au` AFTER UPDATE OF content, message_type ON `messages` BEGIN
  INSERT INTO message_search(message_search, rowid, content) SELECT 'delete', old.id, old.content WHERE old.content IS NOT NULL AND old.message_type <> 2;
  INSERT INTO message_search(rowid, content) SELECT new.id, new.content WHERE new.content IS NOT NULL AND new.message_type <> 2;
END;
