-- Sign-ups. A registration outlives the member's personal data: erasure sets member_id NULL
-- so the event's statistics remain without the person.

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    company_key TEXT,
    sector_id TEXT,
    created_at TEXT NOT NULL,
    queued_at TEXT NOT NULL,            -- arrival order on the waiting list
    confirmed_at TEXT,
    cancelled_at TEXT,
    attended INTEGER CHECK (attended IN (0, 1)),
    checkin_token TEXT UNIQUE
);
CREATE UNIQUE INDEX registrations_one_per_member ON registrations (event_id, member_id)
    WHERE member_id IS NOT NULL;
CREATE INDEX registrations_by_event ON registrations (event_id, status, queued_at, id);
CREATE INDEX registrations_by_member ON registrations (member_id, status);
