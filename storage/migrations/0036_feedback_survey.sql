-- The post-event feedback becomes a survey of the engine: the built-in survey `feedback`
-- (questions rating, useful, next), with one round per event (survey_rounds.event_id, unique
-- per survey and event since 0030). Every row of the old `feedback` table moves:
--   one round per event that had answers (opened when the event ended, closing 30 days later,
--   invited = the event's attendees, as storage/surveys.py counts them), one response per row
--   (the person of the registration, the registration itself, submitted_at = answered_at),
--   answers rating / useful (the old comment) / next (the old next_wish), and a finisher row
--   for each person still known.
-- The table is then dropped and a VIEW named `feedback` with the same columns takes its place
-- over the survey tables, so every reader (stats, impact, company pages, the personal-data
-- export) counts exactly what it counted before. The view is read-only: answers are written
-- by the survey engine (storage/surveys.py).
--
-- A feedback response keeps the registration it is about (registration_id): when the person is
-- erased the response loses its person and words but keeps its rating and registration, so the
-- impact report still counts it, as the old table did.

ALTER TABLE survey_responses
    ADD COLUMN registration_id INTEGER REFERENCES registrations (id) ON DELETE CASCADE;
-- One response per registration and round; leading with the registration serves the readers
-- that look a registration's feedback up (company pages, the export).
CREATE UNIQUE INDEX survey_responses_per_registration
    ON survey_responses (registration_id, round_id) WHERE registration_id IS NOT NULL;

INSERT INTO survey_rounds (survey_id, number, event_id, opened_at, closes_at, invited)
SELECT
    'feedback',
    (SELECT COALESCE(MAX(number), 0) FROM survey_rounds WHERE survey_id = 'feedback')
        + ROW_NUMBER() OVER (ORDER BY e.ends_at, e.id),
    e.id,
    strftime('%Y-%m-%dT%H:%M:%S+00:00', e.ends_at),
    strftime('%Y-%m-%dT%H:%M:%S+00:00', e.ends_at, '+30 days'),
    (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id
        AND (r.attended = 1 OR (r.status = 'confirmed' AND r.attended IS NULL AND NOT EXISTS
            (SELECT 1 FROM registrations t WHERE t.event_id = r.event_id
             AND t.attended IS NOT NULL)))
        AND (r.person_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM feedback f WHERE f.registration_id = r.id)))
FROM events e
WHERE EXISTS (SELECT 1 FROM feedback f WHERE f.event_id = e.id)
  AND NOT EXISTS (
      SELECT 1 FROM survey_rounds o WHERE o.survey_id = 'feedback' AND o.event_id = e.id);

INSERT INTO survey_responses (id, round_id, person_id, company_id, revision, submitted_at,
                              registration_id)
SELECT lower(hex(randomblob(12))), o.id, r.person_id, NULL, 0, f.answered_at, f.registration_id
FROM feedback f
JOIN survey_rounds o ON o.survey_id = 'feedback' AND o.event_id = f.event_id
JOIN registrations r ON r.id = f.registration_id;

INSERT INTO survey_answers (response_id, round_id, question, value, number)
SELECT s.id, s.round_id, 'rating', CAST(f.rating AS TEXT), f.rating
FROM survey_responses s JOIN feedback f ON f.registration_id = s.registration_id
UNION ALL
SELECT s.id, s.round_id, 'useful', json_quote(f.comment), NULL
FROM survey_responses s JOIN feedback f ON f.registration_id = s.registration_id
WHERE f.comment IS NOT NULL
UNION ALL
SELECT s.id, s.round_id, 'next', json_quote(f.next_wish), NULL
FROM survey_responses s JOIN feedback f ON f.registration_id = s.registration_id
WHERE f.next_wish IS NOT NULL;

INSERT OR IGNORE INTO survey_finishers (round_id, person_id)
SELECT s.round_id, s.person_id FROM survey_responses s
WHERE s.registration_id IS NOT NULL AND s.person_id IS NOT NULL;

DROP TABLE feedback;

-- What the old table held, read from the survey tables: a feedback response with its rating.
CREATE VIEW feedback (registration_id, event_id, rating, comment, next_wish, answered_at) AS
SELECT s.registration_id, o.event_id, CAST(rating.number AS INTEGER),
       json_extract(useful.value, '$'), json_extract(wish.value, '$'), s.submitted_at
FROM survey_rounds o
JOIN survey_responses s ON s.round_id = o.id
JOIN survey_answers rating ON rating.response_id = s.id AND rating.question = 'rating'
LEFT JOIN survey_answers useful ON useful.response_id = s.id AND useful.question = 'useful'
LEFT JOIN survey_answers wish ON wish.response_id = s.id AND wish.question = 'next'
WHERE o.survey_id = 'feedback' AND o.event_id IS NOT NULL AND s.registration_id IS NOT NULL;
