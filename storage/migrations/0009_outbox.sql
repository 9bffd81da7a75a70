-- One outbox for every message the assistant sends later or in bulk: reminders, surveys,
-- notices about an event, waiting-list promotions (text, calendar file, check-in code) and
-- each person's copy of a broadcast. A row is claimed (pending -> sending) and settled
-- (sent, missed, blocked, failed, skipped, cancelled) by one worker, under one protocol; a
-- new feature adds a kind of row, never a table. The rows of `deliveries` and
-- `broadcast_recipients` move here; `broadcasts` stays as each broadcast's header.

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                 -- storage.outbox.KINDS
    person_id INTEGER REFERENCES people (id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES registrations (id) ON DELETE CASCADE,
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    broadcast_id INTEGER REFERENCES broadcasts (id) ON DELETE CASCADE,
    -- A part of a longer message (the calendar file after "a seat opened up") waits until
    -- the part before it is settled, so the parts arrive in order.
    after_id INTEGER REFERENCES outbox (id) ON DELETE CASCADE,
    -- Bulk rows (broadcasts) fill what is left of a batch after the personal ones.
    bulk INTEGER NOT NULL DEFAULT 0 CHECK (bulk IN (0, 1)),
    offset_seconds INTEGER,             -- reminders: how long before the start
    language TEXT CHECK (language IN ('tr', 'en')),  -- fixed when queued (broadcasts)
    payload TEXT,                       -- what the message needs beyond the rows it points at
    due_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'sending', 'sent', 'missed', 'blocked', 'failed', 'skipped', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,        -- times claimed
    interrupted INTEGER NOT NULL DEFAULT 0,     -- found in 'sending' at a startup (a crash)
    last_error TEXT,                    -- why it failed, was skipped or postponed
    claimed_at TEXT,
    sent_at TEXT,
    message_id INTEGER,
    created_at TEXT NOT NULL
);

INSERT INTO outbox (kind, person_id, registration_id, event_id, offset_seconds, payload, due_at,
    status, attempts, interrupted, last_error, claimed_at, sent_at, created_at)
SELECT kind, person_id, registration_id, event_id, offset_seconds, payload, due_at,
    status, attempts, interrupted, last_error, claimed_at, sent_at, created_at
FROM deliveries ORDER BY id;

INSERT INTO outbox (kind, person_id, broadcast_id, bulk, language, due_at, status, attempts,
    interrupted, last_error, sent_at, message_id, created_at)
SELECT 'broadcast', r.person_id, r.broadcast_id, 1, r.language, r.due_at, r.status, r.attempts,
    r.interrupted, r.last_error, r.sent_at, r.message_id, COALESCE(b.started_at, r.due_at)
FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id ORDER BY r.id;

DROP TRIGGER deliveries_follow_event_times;
DROP TABLE deliveries;
DROP TABLE broadcast_recipients;

-- The worker's claim: the next due pending rows of one lane, oldest first.
CREATE INDEX outbox_due ON outbox (status, bulk, due_at);
CREATE INDEX outbox_by_registration ON outbox (registration_id, kind, status);
CREATE INDEX outbox_by_event ON outbox (event_id, status);
CREATE INDEX outbox_by_person ON outbox (person_id);
-- A broadcast's progress and final report count its rows by status.
CREATE INDEX outbox_by_broadcast ON outbox (broadcast_id, status);
CREATE INDEX outbox_parts ON outbox (after_id) WHERE after_id IS NOT NULL;
-- Never two waiting copies of the same message: one reminder per offset, one survey...
CREATE UNIQUE INDEX outbox_pending_once
    ON outbox (registration_id, kind, IFNULL(offset_seconds, -1))
    WHERE status = 'pending';
-- ...and one message per person per broadcast, by design.
CREATE UNIQUE INDEX outbox_broadcast_once ON outbox (broadcast_id, person_id)
    WHERE broadcast_id IS NOT NULL;

-- An event moved by any path (a staff edit, a catalogue import) carries its waiting
-- reminders and survey along in the same transaction: a reminder keeps its offset before
-- the start, the survey its delay after the end.
CREATE TRIGGER outbox_follows_event_times
AFTER UPDATE OF starts_at, ends_at ON events
WHEN NEW.starts_at != OLD.starts_at OR NEW.ends_at != OLD.ends_at
BEGIN
    UPDATE outbox
    SET due_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', NEW.starts_at,
                          printf('-%d seconds', offset_seconds))
    WHERE event_id = NEW.id AND status = 'pending' AND kind = 'reminder';
    UPDATE outbox
    SET due_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', NEW.ends_at,
                          printf('%+d seconds', CAST(round(
                              (julianday(due_at) - julianday(OLD.ends_at)) * 86400) AS INTEGER)))
    WHERE event_id = NEW.id AND status = 'pending' AND kind = 'survey';
END;
