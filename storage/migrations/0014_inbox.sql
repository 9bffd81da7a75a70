-- Updates as they arrive from Telegram, stored before Telegram is told they arrived (the next
-- getUpdates offset, or a webhook's 200), so a crash loses none. An update is handled from
-- here and marked handled once, by its update_id; handled rows are pruned after a short while.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    person_id INTEGER,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    handled_at TEXT
);
