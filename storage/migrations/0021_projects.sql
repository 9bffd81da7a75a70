-- Funded projects from the catalogue (funder, period, indicator targets, linked activities),
-- stored like the other catalogue sections: one JSON document per entry, in the file's order.
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    document TEXT NOT NULL
);
