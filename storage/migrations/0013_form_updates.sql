-- The update whose answer moved the form last. Updates are delivered at least once (one that
-- was handled when the bot crashed comes again): an update not newer than this one was
-- already taken, and taking it again would answer the next question with it.
ALTER TABLE forms ADD COLUMN update_id INTEGER;
