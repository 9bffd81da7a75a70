-- What staff did, with who and when: event changes, broadcasts, exports, attendance.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL,
    action TEXT NOT NULL,               -- e.g. event.create, event.cancel, broadcast.send
    subject TEXT,                       -- e.g. event:lean-2027-01, broadcast:12
    detail TEXT,                        -- JSON with what changed
    created_at TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (created_at);
