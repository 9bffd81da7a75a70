-- Participants staff added by hand or from an attendance list (walk-ins, phone or e-mail
-- registrations, a partner's list): people without a chat. Each is a registration without a
-- person (registrations.person_id NULL, status 'confirmed'), so seats, attendance
-- (registrations.attended, attended_at), the company (registrations.company_id) and every
-- report count them like anyone else; this table holds what staff typed about them.
-- Nothing is ever sent to them: the outbox only addresses registrations with a person.
-- Retention empties the personal columns with the registration's (anonymised_at set).
CREATE TABLE staff_added_participants (
    registration_id INTEGER PRIMARY KEY REFERENCES registrations (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    full_name TEXT,                     -- NULL once anonymised
    company_name TEXT,                  -- as given (the registry company, when known, is
                                        -- registrations.company_id)
    phone TEXT,
    email TEXT,
    source TEXT NOT NULL CHECK (source IN ('hand', 'import')),
    added_by INTEGER NOT NULL,          -- the staff member's Telegram id
    added_at TEXT NOT NULL,
    anonymised_at TEXT
);
CREATE INDEX staff_added_participants_by_event ON staff_added_participants (event_id);

-- Special categories of personal data (KVKK Art. 6: health, e.g. access or dietary needs):
-- asked only with their own explicit consent (consents.purpose 'special:<event id>'), kept
-- apart from everything else, read only by staff who manage, erased with the person and
-- by the daily job as soon as the event has ended.
CREATE TABLE special_category_answers (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    UNIQUE (event_id, person_id)
);
