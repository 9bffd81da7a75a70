-- Questions people typed and what the assistant did with each: which entry answered it, the
-- other candidates (for "that didn't help"), whether the person found it helpful, and the
-- ticket it was handed to the team as (at most one). Small talk is not kept. Staff see only
-- counts and folded question texts, never who asked; the person is kept to erase their rows.
CREATE TABLE asked_questions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES people (id) ON DELETE CASCADE,
    question TEXT NOT NULL,             -- as typed, for the team if it is handed over
    message_id INTEGER,                 -- the person's message that asked it
    normalised TEXT NOT NULL,           -- folded (bot.domain.answering.normalise_question)
    language TEXT NOT NULL CHECK (language IN ('tr', 'en')),
    decision TEXT NOT NULL CHECK (decision IN ('answer', 'suggest', 'choose', 'none')),
    entry TEXT,                         -- the answer given: faq:ID, service:ID, event:ID
    candidates TEXT NOT NULL DEFAULT '',  -- the other matches, space-separated, best first
    helpful INTEGER CHECK (helpful IN (0, 1)),
    rated_at TEXT,
    -- The ticket it became; 0 while it is being handed over, so a second press does nothing.
    ticket_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX asked_questions_by_time ON asked_questions (created_at);
CREATE INDEX asked_questions_by_person ON asked_questions (person_id);
