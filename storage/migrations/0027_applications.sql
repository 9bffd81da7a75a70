-- Events where staff select the participants: each person's application and where it stands.
-- pending -> accepted | reserve | declined (staff, any number of times before it is final);
-- accepted -> confirmed (the person took the place: a confirmed registration exists) or lapsed
-- (not confirmed in time); any of them but declined -> withdrawn (the person). An accepted
-- place is held from the decision on: accepted applications and confirmed registrations
-- together never outnumber the event's places (checked in code, and by the trigger below).
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN
        ('pending', 'accepted', 'reserve', 'declined', 'confirmed', 'withdrawn', 'lapsed')),
    company_id INTEGER REFERENCES companies (id),
    company_key TEXT,
    sector_id TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by INTEGER,                 -- the staff member's Telegram id; 0: the assistant
    note TEXT,                          -- a personal line staff add to the decision's message
    company_override TEXT,              -- why staff accepted past the per-company limit
    -- The decision the person was last told of, and how many times they were told: a decision
    -- is queued once per change, when staff press "notify" (or at once, for a reserve place).
    notified_status TEXT,
    notified_round INTEGER NOT NULL DEFAULT 0,
    confirm_by TEXT,                    -- accepted and told: the place is held until then
    reserve_at TEXT,                    -- order on the reserve list
    registration_id INTEGER REFERENCES registrations (id) ON DELETE SET NULL,
    -- Bumped by every change: a staff button carries it, so a decision made on an old screen
    -- (another staff member decided meanwhile) is refused instead of overwriting.
    version INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX applications_one_per_person ON applications (event_id, person_id)
    WHERE person_id IS NOT NULL;
CREATE INDEX applications_by_event ON applications (event_id, status, created_at, id);
CREATE INDEX applications_by_person ON applications (person_id);
CREATE INDEX applications_due ON applications (status, confirm_by);

CREATE TRIGGER applications_within_places
BEFORE UPDATE OF status ON applications
WHEN NEW.status = 'accepted' AND OLD.status != 'accepted'
BEGIN
    SELECT RAISE(ABORT, 'no place left')
    WHERE (SELECT capacity FROM events WHERE id = NEW.event_id) IS NOT NULL
    AND (SELECT COUNT(*) FROM applications WHERE event_id = NEW.event_id AND status = 'accepted')
        + (SELECT COUNT(*) FROM registrations
           WHERE event_id = NEW.event_id AND status = 'confirmed')
        >= (SELECT capacity FROM events WHERE id = NEW.event_id);
END;

-- A decision's message and its reminder go once per application and round, by design.
CREATE UNIQUE INDEX outbox_application_once ON outbox
    (kind, json_extract(payload, '$.application'), json_extract(payload, '$.round'))
    WHERE kind IN ('application_decision', 'place_reminder');
