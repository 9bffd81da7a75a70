-- Two-person rule (BROADCAST_APPROVAL=on): a broadcast to everyone waits in 'approval' until a
-- second staff member approves it in the staff chat. The status CHECK changes, so the table is
-- rebuilt. Dropping the old table would cascade into the outbox (foreign keys are on inside the
-- migration's transaction), so the broadcasts' outbox rows are kept aside and put back.

CREATE TEMP TABLE outbox_of_broadcasts AS SELECT * FROM outbox WHERE broadcast_id IS NOT NULL;

CREATE TABLE broadcasts_rebuilt (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL,          -- Telegram id of the staff member who wrote it
    main_language TEXT NOT NULL CHECK (main_language IN ('tr', 'en')),
    -- The text (or caption) as Telegram HTML; a person gets their language's version, else
    -- the main language's.
    text_tr TEXT,
    text_en TEXT,
    media_kind TEXT CHECK (media_kind IN ('photo', 'document')),
    media_file_id TEXT,
    audience TEXT NOT NULL,             -- JSON: {"kind": "all" | "sector" | ..., ...}
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'approval', 'scheduled', 'sending', 'done', 'cancelled')),
    scheduled_at TEXT,                  -- in 'approval': when it was asked to go (NULL: at once)
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,                   -- set once every recipient is settled; the report went
    cancelled_by INTEGER,
    -- The staff member's progress message, edited while sending.
    progress_chat_id INTEGER,
    progress_message_id INTEGER,
    -- Counters: recipients when sending started; the rest frozen when it finished.
    recipients INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    -- The two-person rule: who approved or rejected it (never its author), and when.
    decided_by INTEGER,
    decided_at TEXT,
    CHECK (media_kind IS NULL OR media_file_id IS NOT NULL),
    CHECK (text_tr IS NOT NULL OR text_en IS NOT NULL OR media_file_id IS NOT NULL),
    CHECK (decided_by IS NULL OR decided_by != staff_id)
);
INSERT INTO broadcasts_rebuilt (id, staff_id, main_language, text_tr, text_en, media_kind,
    media_file_id, audience, status, scheduled_at, created_at, started_at, finished_at,
    cancelled_by, progress_chat_id, progress_message_id, recipients, sent, blocked, failed,
    skipped, cancelled)
SELECT id, staff_id, main_language, text_tr, text_en, media_kind, media_file_id, audience,
    status, scheduled_at, created_at, started_at, finished_at, cancelled_by, progress_chat_id,
    progress_message_id, recipients, sent, blocked, failed, skipped, cancelled
FROM broadcasts;
DROP TABLE broadcasts;
ALTER TABLE broadcasts_rebuilt RENAME TO broadcasts;
CREATE INDEX broadcasts_by_status ON broadcasts (status, scheduled_at);

INSERT INTO outbox SELECT * FROM outbox_of_broadcasts;
DROP TABLE outbox_of_broadcasts;
