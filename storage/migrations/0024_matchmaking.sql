-- B2B matchmaking: participants' profiles (per event, or the year-round directory), meeting
-- requests between them, and the meetings the requests become, each at a slot and a table.

-- A company's offers and needs as one person published them, for one event (event_id) or for
-- the directory (event_id NULL). Listed only while the person's consent is in force
-- (purpose match:<event id> or match:directory); the profile stays to prefill the next one.
CREATE TABLE match_profiles (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    company_id INTEGER REFERENCES companies (id) ON DELETE SET NULL,
    company TEXT NOT NULL,
    sector_id TEXT,
    offers TEXT NOT NULL DEFAULT '[]',          -- JSON list of category ids
    seeks TEXT NOT NULL DEFAULT '[]',
    offers_text TEXT,
    seeks_text TEXT,
    languages TEXT NOT NULL DEFAULT '[]',       -- JSON list of tr, en, ...
    description TEXT,
    listed_at TEXT,                             -- NULL: not listed (never, or withdrawn)
    absent_at TEXT,                             -- staff marked them absent on the day
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX match_profiles_once ON match_profiles (person_id, IFNULL(event_id, ''));
CREATE INDEX match_profiles_listed ON match_profiles (event_id, listed_at);

-- A request for a one-to-one meeting. A person leaves (erasure): the row stays, without them.
CREATE TABLE meeting_requests (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    requester_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    invitee_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    note TEXT,
    reply TEXT,                                 -- the invitee's optional line
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'accepted', 'declined', 'withdrawn', 'cancelled')),
    created_at TEXT NOT NULL,
    answered_at TEXT
);
-- Two people have at most one request open between them per event, whoever asked.
CREATE UNIQUE INDEX meeting_requests_open ON meeting_requests
    (event_id, min(requester_id, invitee_id), max(requester_id, invitee_id))
    WHERE status IN ('pending', 'accepted');
CREATE INDEX meeting_requests_by_requester ON meeting_requests (requester_id, status);
CREATE INDEX meeting_requests_by_invitee ON meeting_requests (invitee_id, status);

-- A meeting: scheduled at a slot (numbered across the event's sessions) and a table; held for
-- staff to place; unscheduled when no slot was left (they may meet outside the schedule);
-- cancelled. Both sides may say afterwards what it led to.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    request_id INTEGER UNIQUE REFERENCES meeting_requests (id) ON DELETE SET NULL,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_a INTEGER REFERENCES people (id) ON DELETE SET NULL,
    person_b INTEGER REFERENCES people (id) ON DELETE SET NULL,
    slot INTEGER,
    table_no INTEGER,
    starts_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'unscheduled', 'cancelled')),
    cancel_reason TEXT,
    outcome_a TEXT CHECK (outcome_a IN ('nothing', 'follow_up', 'offer', 'deal')),
    outcome_b TEXT CHECK (outcome_b IN ('nothing', 'follow_up', 'offer', 'deal')),
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    CHECK ((status = 'scheduled') = (slot IS NOT NULL AND table_no IS NOT NULL))
);
-- One meeting per table per slot: two acceptances can't take the same place.
CREATE UNIQUE INDEX meetings_table_once ON meetings (event_id, slot, table_no)
    WHERE status = 'scheduled';
CREATE INDEX meetings_by_event ON meetings (event_id, status);
CREATE INDEX meetings_by_a ON meetings (person_a);
CREATE INDEX meetings_by_b ON meetings (person_b);

-- Who sits in which slot: one row per side of a scheduled meeting, so nobody is ever in two
-- meetings at once (the unique index), whichever acceptance comes first.
CREATE TABLE meeting_seats (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, slot, person_id)
);
CREATE INDEX meeting_seats_by_meeting ON meeting_seats (meeting_id);

-- Outbox rows about a meeting (its reminders) go with it.
ALTER TABLE outbox ADD COLUMN meeting_id INTEGER REFERENCES meetings (id) ON DELETE CASCADE;
CREATE INDEX outbox_by_meeting ON outbox (meeting_id) WHERE meeting_id IS NOT NULL;
