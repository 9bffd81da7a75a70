-- Broadcasts: announcements staff write once and the assistant sends to many members.
-- A broadcast is a draft until it is scheduled or sent; when sending starts, its audience is
-- resolved into one broadcast_recipients row per member, and the dispatcher claims those rows
-- exactly like the deliveries outbox (pending -> sending -> settled), so a restart resumes.

CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL,          -- Telegram id of the staff member who wrote it
    main_language TEXT NOT NULL CHECK (main_language IN ('tr', 'en')),
    -- The text (or caption) as Telegram HTML, made by PTB from the staff member's entities.
    -- A member gets their language's version, else the main language's.
    text_tr TEXT,
    text_en TEXT,
    media_kind TEXT CHECK (media_kind IN ('photo', 'document')),
    media_file_id TEXT,
    audience TEXT NOT NULL,             -- JSON: {"kind": "all" | "sector" | ..., ...}
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'scheduled', 'sending', 'done', 'cancelled')),
    scheduled_at TEXT,
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
    CHECK (media_kind IS NULL OR media_file_id IS NOT NULL),
    CHECK (text_tr IS NOT NULL OR text_en IS NOT NULL OR media_file_id IS NOT NULL)
);
CREATE INDEX broadcasts_by_status ON broadcasts (status, scheduled_at);

CREATE TABLE broadcast_recipients (
    id INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    language TEXT NOT NULL CHECK (language IN ('tr', 'en')),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'sending', 'sent', 'blocked', 'failed', 'skipped', 'cancelled')),
    due_at TEXT NOT NULL,               -- later than the start only after a 429
    attempts INTEGER NOT NULL DEFAULT 0,        -- times claimed
    interrupted INTEGER NOT NULL DEFAULT 0,     -- found in 'sending' at a startup (a crash)
    last_error TEXT,
    sent_at TEXT,
    message_id INTEGER,
    UNIQUE (broadcast_id, member_id)    -- one message per member per broadcast, by design
);
-- The dispatcher's claim: the next due pending rows, oldest first.
CREATE INDEX broadcast_recipients_due ON broadcast_recipients (status, due_at);
-- Progress and the final report count a broadcast's rows by status.
CREATE INDEX broadcast_recipients_progress ON broadcast_recipients (broadcast_id, status);
CREATE INDEX broadcast_recipients_by_member ON broadcast_recipients (member_id);
