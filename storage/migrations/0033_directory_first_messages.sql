-- The member directory relays one first message from one member to another. Who has written
-- to whom is kept here, one row per sender and recipient by its key, instead of being looked
-- up in the outbox's JSON payloads (a scan of every relayed message, and a check two
-- concurrent sends could both pass). A profile or person erased takes their rows along.
CREATE TABLE directory_first_messages (
    sender_profile_id INTEGER NOT NULL REFERENCES match_profiles (id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (sender_profile_id, recipient_id)
) WITHOUT ROWID;

-- An erased recipient's rows are found by this index (the cascade).
CREATE INDEX directory_first_messages_to ON directory_first_messages (recipient_id);

INSERT OR IGNORE INTO directory_first_messages (sender_profile_id, recipient_id, sent_at)
SELECT json_extract(o.payload, '$.from'), o.person_id, o.created_at FROM outbox o
WHERE o.kind = 'directory_message' AND o.person_id IS NOT NULL
AND json_extract(o.payload, '$.from') IN (SELECT id FROM match_profiles)
ORDER BY o.id;
