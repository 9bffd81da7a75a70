-- Surveys: their definitions (a catalogue section, like services), each sending of one to its
-- audience (a round), who has finished a round, and the answers.
--
-- Anonymous surveys never let anyone join who finished to what they answered: the finishers
-- and the answers are separate tables with nothing in common but the round; an anonymous
-- response carries no person, no company and no time, and its id is random and the tables are
-- WITHOUT ROWID, so neither the order of the rows nor an id says which finisher it came from.
-- Answers in progress live in the person's open form (table forms) until they submit.

CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    document TEXT NOT NULL              -- the survey in the content format, as JSON
);

-- A round: one sending of a survey (benchmarks compare a round with the one before); a
-- feedback round is about one event.
CREATE TABLE survey_rounds (
    id INTEGER PRIMARY KEY,
    survey_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    event_id TEXT,
    opened_at TEXT NOT NULL,
    closes_at TEXT,
    sent_by INTEGER,                    -- staff id; NULL: the command line or a schedule
    invited INTEGER NOT NULL DEFAULT 0, -- invitations queued when it was sent
    UNIQUE (survey_id, number)
);
CREATE UNIQUE INDEX survey_rounds_per_event ON survey_rounds (survey_id, event_id)
    WHERE event_id IS NOT NULL;

-- Who finished a round: for reminders and for not asking twice. No time on purpose: a
-- finishing time would match an anonymous answer's.
CREATE TABLE survey_finishers (
    round_id INTEGER NOT NULL REFERENCES survey_rounds (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, person_id)
) WITHOUT ROWID;

-- One submitted answer set. Per person (person_id set unless anonymous) or per company
-- (company_id set: the company's one answer, which any of its people may update).
CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY,                -- random
    round_id INTEGER NOT NULL REFERENCES survey_rounds (id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people (id) ON DELETE CASCADE,
    company_id INTEGER REFERENCES companies (id),
    revision INTEGER NOT NULL DEFAULT 0,
    submitted_at TEXT                   -- NULL for anonymous answers
) WITHOUT ROWID;
CREATE UNIQUE INDEX survey_responses_per_company ON survey_responses (round_id, company_id)
    WHERE company_id IS NOT NULL;
CREATE UNIQUE INDEX survey_responses_per_person ON survey_responses (round_id, person_id)
    WHERE person_id IS NOT NULL;

CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    round_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    value TEXT NOT NULL CHECK (json_valid(value)),
    number REAL,                        -- numeric answers, for aggregates
    PRIMARY KEY (response_id, question)
) WITHOUT ROWID;
CREATE INDEX survey_answers_by_question ON survey_answers (round_id, question);

-- Answers in progress, kept with the person only until they submit (then deleted): a person
-- who stops, or whose form another command closed, continues exactly where they were.
CREATE TABLE survey_drafts (
    round_id INTEGER NOT NULL REFERENCES survey_rounds (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    answers TEXT NOT NULL CHECK (json_valid(answers)),
    -- The company answer's revision the person started from (per-company surveys): a
    -- colleague who submitted meanwhile is noticed instead of silently overwritten.
    base_revision INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (round_id, person_id)
) WITHOUT ROWID;
