-- The form each person has open (at most one), with the answers given so far. Every answer is
-- written together with the move to the next step, so a restart, even a kill -9, resumes the
-- form exactly where the person was. Erasing the person erases their unfinished answers.
CREATE TABLE forms (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    step TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
    -- What the form is about, when it is about something: the event signed up for or edited.
    subject TEXT,
    -- Bumped by every write, so an answer never lands on a form that moved or closed since.
    revision INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX forms_by_expiry ON forms (expires_at);
