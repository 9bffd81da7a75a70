-- KVKK / GDPR: informing (aydınlatma, Art. 10) and explicit consent (açık rıza, Art. 5/1) are
-- different things and are recorded apart. Acknowledging the notice is not consent: the profile
-- and registrations rest on providing the service asked for (Art. 5/2-c).
ALTER TABLE people RENAME COLUMN consent_at TO informed_at;   -- when the notice was acknowledged
ALTER TABLE people ADD COLUMN notice_version TEXT;           -- which version; NULL: the old one

-- Every acknowledgement of a notice version, so the cluster can show who was told what, when.
CREATE TABLE notice_acknowledgements (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('tr', 'en')),
    acknowledged_at TEXT NOT NULL
);
CREATE INDEX notice_acknowledgements_by_person ON notice_acknowledgements (person_id);

-- Explicit consents, one row per giving: its purpose (announcements, host:<event id> for
-- sharing one's details with a study visit's host), the notice version it was given under,
-- when, and when it was withdrawn. At most one row per purpose is in force.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    notice_version TEXT,
    given_at TEXT NOT NULL,
    withdrawn_at TEXT
);
CREATE UNIQUE INDEX consents_in_force ON consents (person_id, purpose) WHERE withdrawn_at IS NULL;

-- Announcements were on by default under the old accept-or-leave notice, which is no explicit
-- consent: they are off for everyone until the person says yes (staff can ask once, through the
-- outbox). Copies of broadcasts still waiting are then skipped when their turn comes.
UPDATE people SET announcements_on = 0;

-- Attendance of funded activities is kept for the funders' audits after a person is erased
-- (legal obligation, Art. 5/2-ç): under a pseudonym, so one person's rows still count once.
-- A registration past the retention period is anonymised: no person, no pseudonym.
ALTER TABLE registrations ADD COLUMN pseudonym TEXT;
ALTER TABLE registrations ADD COLUMN anonymised_at TEXT;
