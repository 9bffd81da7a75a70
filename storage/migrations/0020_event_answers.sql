-- A person's answers to an event's own registration questions, one row per question. They are
-- the person's data: erasing the person erases them (CASCADE), and anonymising an event's
-- registrations after the retention period deletes them.
CREATE TABLE event_answers (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value TEXT NOT NULL CHECK (json_valid(value)),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (event_id, person_id, question_id)
);
CREATE INDEX event_answers_by_person ON event_answers (person_id);
