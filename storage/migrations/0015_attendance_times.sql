-- When a person was marked present, for the attendance evidence in the impact workbook. Set by
-- a trigger, so every way of taking attendance (toggles, QR check-in) records it alike.
ALTER TABLE registrations ADD COLUMN attended_at TEXT;
CREATE TRIGGER registrations_attended_at
AFTER UPDATE OF attended ON registrations
WHEN NEW.attended = 1 AND OLD.attended IS NOT 1
BEGIN
    UPDATE registrations SET attended_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    WHERE id = NEW.id;
END;
CREATE TRIGGER registrations_attended_at_cleared
AFTER UPDATE OF attended ON registrations
WHEN NEW.attended IS NOT 1 AND OLD.attended = 1
BEGIN
    UPDATE registrations SET attended_at = NULL WHERE id = NEW.id;
END;
CREATE INDEX events_by_end ON events (ends_at);
CREATE INDEX tickets_by_time ON tickets (created_at);
