-- The cluster's companies: the SMEs funders count. A person and a registration point at one;
-- a company that anything points at can't be deleted (the foreign keys refuse it), only merged.
CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,             -- the name folded for comparison (bot.domain.companies)
    short_name TEXT,
    tax_number TEXT UNIQUE,             -- optional; unique when given
    sector_id TEXT,
    employees INTEGER CHECK (employees IS NULL OR employees >= 0),
    -- The KOBİ turnover (or balance-sheet) band, stored as the size class it implies, so a
    -- change of the regulation's thresholds does not rewrite the data.
    turnover_band TEXT CHECK (turnover_band IN ('micro', 'small', 'medium', 'large')),
    city TEXT,
    membership TEXT NOT NULL DEFAULT 'non_member'
        CHECK (membership IN ('member', 'non_member', 'former')),
    member_since TEXT,                  -- YYYY-MM-DD
    website TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX companies_by_key ON companies (name_key);

ALTER TABLE people ADD COLUMN company_id INTEGER REFERENCES companies (id);
CREATE INDEX people_by_company ON people (company_id);
-- The company a registration was made for, kept as it was at sign-up like sector_id.
ALTER TABLE registrations ADD COLUMN company_id INTEGER REFERENCES companies (id);
CREATE INDEX registrations_by_company ON registrations (company_id);
