-- What the running assistant learns about its own operation and must keep across restarts:
-- the staff chat's new id after Telegram upgraded it to a supergroup, the last backup made.
CREATE TABLE operating_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
