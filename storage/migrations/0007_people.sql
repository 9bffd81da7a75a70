-- Words settled: a "person" uses the assistant over Telegram; a "member company" is an SME of
-- the cluster. The table of people and every column that points at one are renamed; SQLite
-- carries the foreign keys and indexes along.
ALTER TABLE members RENAME TO people;
ALTER TABLE registrations RENAME COLUMN member_id TO person_id;
ALTER TABLE deliveries RENAME COLUMN member_id TO person_id;
ALTER TABLE tickets RENAME COLUMN member_id TO person_id;
ALTER TABLE unanswered_questions RENAME COLUMN member_id TO person_id;
ALTER TABLE broadcast_recipients RENAME COLUMN member_id TO person_id;

DROP INDEX registrations_one_per_member;
CREATE UNIQUE INDEX registrations_one_per_person ON registrations (event_id, person_id)
    WHERE person_id IS NOT NULL;
DROP INDEX registrations_by_member;
CREATE INDEX registrations_by_person ON registrations (person_id, status);
DROP INDEX deliveries_by_member;
CREATE INDEX deliveries_by_person ON deliveries (person_id);
DROP INDEX tickets_by_member;
CREATE INDEX tickets_by_person ON tickets (person_id, status);
DROP INDEX broadcast_recipients_by_member;
CREATE INDEX broadcast_recipients_by_person ON broadcast_recipients (person_id);
