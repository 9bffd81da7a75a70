-- A message about someone other than the person it goes to (a company's contact asked whether
-- a claimant works there) names them in a column: erasing them deletes it by an index (and by
-- the foreign key), instead of reading each claim's JSON payload.
ALTER TABLE outbox ADD COLUMN about_person_id INTEGER REFERENCES people (id) ON DELETE CASCADE;

UPDATE outbox SET about_person_id = json_extract(payload, '$.claimant')
WHERE kind = 'company_claim'
    AND EXISTS (SELECT 1 FROM people p WHERE p.id = json_extract(outbox.payload, '$.claimant'));

CREATE INDEX outbox_about_person ON outbox (about_person_id) WHERE about_person_id IS NOT NULL;
