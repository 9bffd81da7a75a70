-- Women's participation, for funders who ask for it: an optional profile answer a person gives
-- only if they choose to ('woman', 'man', 'unsaid' for "prefer not to say"; NULL: never asked).
ALTER TABLE people ADD COLUMN gender TEXT CHECK (gender IN ('woman', 'man', 'unsaid'));
