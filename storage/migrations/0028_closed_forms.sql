-- The last form each person left half-filled (closed by another command, a menu button or
-- /cancel): an old button of it then says the form was closed and leads back to its event,
-- instead of the "no longer valid" said of forged or removed buttons.
CREATE TABLE closed_forms (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject TEXT,
    closed_at TEXT NOT NULL
);
