-- Evidence of what the cluster did: certificates of participation and signed attendance sheets.

-- A certificate states what it certified when it was issued (name, company, event, date, hours),
-- so it reads the same years later whatever changes in the catalogue. Its code is random and is
-- the only way to look it up. A person erased under KVKK loses their name and company here too:
-- the certificate then verifies as withdrawn, while the pseudonymised participation still counts.
CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,              -- 12 readable characters, without the dashes
    registration_id INTEGER UNIQUE REFERENCES registrations (id) ON DELETE SET NULL,
    person_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    event_id TEXT NOT NULL,
    holder_name TEXT,                       -- NULL once withdrawn
    company TEXT,
    event_title TEXT NOT NULL,              -- {tr, en} as JSON
    event_kind TEXT NOT NULL,
    held_at TEXT NOT NULL,                  -- when the event started, UTC
    hours REAL NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by INTEGER,                     -- the staff member who revoked it
    withdrawn_at TEXT                       -- the holder erased their personal data
);
CREATE INDEX certificates_by_person ON certificates (person_id);
CREATE INDEX certificates_by_event ON certificates (event_id);

-- A scan or photo of an event's signed attendance sheet, as staff sent it to the assistant: the
-- file stays on Telegram's servers and is sent again by its file id.
CREATE TABLE event_evidence (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    file_id TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    media TEXT NOT NULL CHECK (media IN ('photo', 'document')),
    file_name TEXT,
    mime_type TEXT,
    file_size INTEGER,
    staff_id INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE UNIQUE INDEX event_evidence_once ON event_evidence (event_id, file_unique_id);
