-- Full-text index for GET /contacts/search (src/domain/contacts/search-index.ts): FTS5 with the trigram
-- tokenizer over the searchable contact fields, plus the account as a token of its own, kept in step with
-- `contacts` by triggers. Written by hand: Drizzle's schema cannot express virtual tables or triggers.
CREATE VIRTUAL TABLE `contact_search` USING fts5(account, name, email, phone_number, identifier, company, tokenize = 'trigram remove_diacritics 1');
--> statement-breakpoint
CREATE TRIGGER `contact_search_ai` AFTER INSERT ON `contacts` BEGIN
  INSERT INTO contact_search(rowid, account, name, email, phone_number, identifier, company)
  VALUES (new.id, '@@' || new.account_id || '@@', new.name, new.email, new.phone_number, new.identifier,
          CASE WHEN json_valid(new.additional_attributes) THEN json_extract(new.additional_attributes, '$.company_name') END);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_search_ad` AFTER DELETE ON `contacts` BEGIN
  DELETE FROM contact_search WHERE rowid = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_search_au` AFTER UPDATE OF account_id, name, email, phone_number, identifier, additional_attributes ON `contacts` BEGIN
  DELETE FROM contact_search WHERE rowid = old.id;
  INSERT INTO contact_search(rowid, account, name, email, phone_number, identifier, company)
  VALUES (new.id, '@@' || new.account_id || '@@', new.name, new.email, new.phone_number, new.identifier,
          CASE WHEN json_valid(new.additional_attributes) THEN json_extract(new.additional_attributes, '$.company_name') END);
END;
