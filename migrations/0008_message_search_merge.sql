-- The message index merges its segments in the background (src/domain/search/index-maintenance.ts, a periodic task)
-- instead of during message inserts: FTS5's automerge makes every 64th single-row commit do the merge work of
-- 64 pages per level, which on a 1M-message index tripled the mean cost of a message insert (docs/decisions.md).
-- Segments still merge on the insert path when 16 accumulate on one level (crisismerge), which keeps the
-- index bounded even if the periodic task never runs.
INSERT INTO message_search(message_search, rank) VALUES ('automerge', 0);
