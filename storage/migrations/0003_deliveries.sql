-- The outbox: every message the assistant sends on its own (reminders, feedback surveys,
-- notices about an event's change or cancellation) is a row here before it is sent.
-- A dispatcher claims due rows (pending -> sending) and records the outcome, so nothing
-- scheduled lives only in memory and a restart resumes where the last run stopped.

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                 -- reminder, survey, event_changed, event_cancelled
    registration_id INTEGER REFERENCES registrations (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    offset_seconds INTEGER,             -- reminders: how long before the start
    payload TEXT,                       -- notices: what the text needs beyond the event (JSON)
    due_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'missed', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,        -- times claimed
    interrupted INTEGER NOT NULL DEFAULT 0,     -- found in 'sending' at a startup (a crash)
    last_error TEXT,                    -- why it failed, was skipped or postponed
    claimed_at TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL
);
-- The dispatcher's only hot query: the next due pending rows, oldest first.
CREATE INDEX deliveries_due ON deliveries (status, due_at);
CREATE INDEX deliveries_by_registration ON deliveries (registration_id, kind, status);
CREATE INDEX deliveries_by_event ON deliveries (event_id, status);
CREATE INDEX deliveries_by_member ON deliveries (member_id);
-- Whether attendance was taken for an event, asked for every due survey.
CREATE INDEX registrations_attendance ON registrations (event_id, attended);
-- Never two waiting copies of the same message: one reminder per offset, one survey.
CREATE UNIQUE INDEX deliveries_pending_once
    ON deliveries (registration_id, kind, IFNULL(offset_seconds, -1))
    WHERE status = 'pending';

-- An event moved by any path (a staff edit, a catalogue import, bot.schedule) carries its
-- waiting reminders and survey along in the same transaction: a reminder keeps its offset
-- before the start, the survey its delay after the end.
CREATE TRIGGER deliveries_follow_event_times
AFTER UPDATE OF starts_at, ends_at ON events
WHEN NEW.starts_at != OLD.starts_at OR NEW.ends_at != OLD.ends_at
BEGIN
    UPDATE deliveries
    SET due_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', NEW.starts_at,
                          printf('-%d seconds', offset_seconds))
    WHERE event_id = NEW.id AND status = 'pending' AND kind = 'reminder';
    UPDATE deliveries
    SET due_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', NEW.ends_at,
                          printf('%+d seconds', CAST(round(
                              (julianday(due_at) - julianday(OLD.ends_at)) * 86400) AS INTEGER)))
    WHERE event_id = NEW.id AND status = 'pending' AND kind = 'survey';
END;

-- One answer per registration to the post-event survey; answering again replaces it.
-- It outlives the member's personal data (the registration's member_id becomes NULL) for
-- impact reports; erasure removes the comment, the only free text.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL UNIQUE REFERENCES registrations (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    answered_at TEXT NOT NULL
);
CREATE INDEX feedback_by_event ON feedback (event_id);
