-- "Ask the team": tickets, their messages in both directions, and the questions the
-- assistant could not answer. Times are ISO 8601 text in UTC.

-- A ticket outlives the member's personal data: erasure deletes its messages and sets
-- member_id NULL, so the team's workload stays countable without the person.
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,             -- the number staff and member see: #12
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('question', 'service_request')),
    service_id TEXT,                    -- the requested service (service_request only)
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    language TEXT NOT NULL CHECK (language IN ('tr', 'en')),
    created_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by INTEGER,                  -- Telegram id of the staff member who closed it
    staff_chat_id INTEGER,              -- the first ticket post on the staff side
    staff_message_id INTEGER
);
CREATE INDEX tickets_by_member ON tickets (member_id, status);

-- What the member and the staff wrote, in order. chat_id/message_id name the original
-- message (the member's in their private chat, the staff member's reply in the staff chat).
CREATE TABLE ticket_messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('member', 'staff')),
    text TEXT,                          -- the full text or caption, never truncated
    file_kind TEXT CHECK (file_kind IN ('photo', 'document')),
    file_id TEXT,
    file_name TEXT,
    staff_user_id INTEGER,              -- who answered (direction staff only)
    chat_id INTEGER,
    message_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);

-- Every message the bot sent for a ticket, on either side. A reply to any of them continues
-- the ticket: staff answer a post, the member answers a relayed reply.
CREATE TABLE ticket_posts (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    audience TEXT NOT NULL CHECK (audience IN ('staff', 'member')),
    -- ticket: the post staff reply to (one per staff chat); copy: a message relayed from the
    -- other side; prompt: "write your reply"; receipt: a confirmation or a note.
    purpose TEXT NOT NULL CHECK (purpose IN ('ticket', 'copy', 'prompt', 'receipt')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX ticket_posts_by_ticket ON ticket_posts (ticket_id, purpose);

-- Questions the assistant found nothing for, or that went to the team: normalised text only,
-- with no member, so staff can see what the catalogue is missing.
CREATE TABLE unanswered_questions (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('tr', 'en')),
    outcome TEXT NOT NULL CHECK (outcome IN ('not_found', 'team')),
    -- Kept only to erase the member's questions with the rest of their data; never shown.
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX unanswered_by_time ON unanswered_questions (created_at, question);
