-- The catalogue (the database is its source of truth after the first import) and members.
-- Times are ISO 8601 text in UTC.

CREATE TABLE cluster_info (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    document TEXT NOT NULL              -- cluster section and synonyms, as JSON
);

CREATE TABLE sectors (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE faq (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    service_id TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
    registration_deadline TEXT,
    max_per_company INTEGER,
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    position INTEGER NOT NULL,
    document TEXT NOT NULL,             -- the whole event in the content format, as JSON
    updated_at TEXT NOT NULL
);
CREATE INDEX events_by_start ON events (starts_at);

-- A member is anyone who started the assistant. Personal fields stay NULL until consent.
CREATE TABLE members (
    id INTEGER PRIMARY KEY,             -- Telegram user id
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    language TEXT CHECK (language IN ('tr', 'en')),          -- chosen with /language
    telegram_language TEXT,
    consent_at TEXT,
    full_name TEXT,
    company TEXT,
    company_key TEXT,                   -- company name folded for comparison
    sector_id TEXT,
    phone TEXT,
    email TEXT,
    reminders_on INTEGER NOT NULL DEFAULT 1,
    announcements_on INTEGER NOT NULL DEFAULT 1,
    unreachable_at TEXT                 -- the member blocked the assistant (403)
);
