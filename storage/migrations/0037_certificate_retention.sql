-- A certificate past the retention period (DATA_RETENTION) keeps what verifying it needs (code,
-- event, date, hours, valid or revoked) and loses its holder's name and company: when that was.
ALTER TABLE certificates ADD COLUMN anonymised_at TEXT;
