-- How a service request ended, for the impact report: staff close it as delivered or not
-- delivered, and may add a short outcome note by replying to the closing note.
ALTER TABLE tickets ADD COLUMN outcome TEXT CHECK (outcome IN ('delivered', 'not_delivered'));
ALTER TABLE tickets ADD COLUMN outcome_note TEXT;
