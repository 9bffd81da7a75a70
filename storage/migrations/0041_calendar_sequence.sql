-- A calendar file's SEQUENCE (RFC 5545): a calendar app replaces the entry it has for a UID
-- only with a higher one. Every change to an event's times or content, by staff or by an
-- import, counts one up here, so the file sent after a move updates the entry, not doubles it.
ALTER TABLE events ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER events_calendar_sequence AFTER UPDATE OF starts_at, ends_at, document ON events
WHEN old.starts_at IS NOT new.starts_at OR old.ends_at IS NOT new.ends_at
    OR old.document IS NOT new.document
BEGIN
    UPDATE events SET calendar_sequence = old.calendar_sequence + 1 WHERE id = new.id;
END;
