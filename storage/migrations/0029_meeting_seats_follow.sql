-- A meeting's seats follow the meeting itself: written by the database in the statement that
-- schedules, moves, cancels or empties a meeting, so no code path can leave them out of step
-- (and an acceptance costs one statement less). The seats' unique key still refuses a second
-- meeting for a person at a slot, failing the statement that would cause it.
CREATE TRIGGER meeting_seats_on_insert AFTER INSERT ON meetings
WHEN NEW.status = 'scheduled'
BEGIN
    INSERT INTO meeting_seats (meeting_id, event_id, slot, person_id)
    SELECT NEW.id, NEW.event_id, NEW.slot, person
    FROM (SELECT NEW.person_a AS person UNION ALL SELECT NEW.person_b)
    WHERE person IS NOT NULL;
END;

CREATE TRIGGER meeting_seats_on_update AFTER UPDATE OF status, slot, person_a, person_b ON meetings
BEGIN
    DELETE FROM meeting_seats WHERE meeting_id = NEW.id;
    INSERT INTO meeting_seats (meeting_id, event_id, slot, person_id)
    SELECT NEW.id, NEW.event_id, NEW.slot, person
    FROM (SELECT NEW.person_a AS person UNION ALL SELECT NEW.person_b)
    WHERE person IS NOT NULL AND NEW.status = 'scheduled';
END;

-- The earliest free slot counts each slot's scheduled meetings: one short range of this index
-- (by event and status alone, the count would walk the whole day's meetings for every slot).
CREATE INDEX meetings_by_slot ON meetings (event_id, status, slot);
