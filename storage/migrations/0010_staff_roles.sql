-- Staff roles kept in the database. STAFF_IDS from the settings are always admins and are not
-- stored here, so an operator can't lock themselves out by editing this table.
-- No foreign key to people: a role may be granted before the person first writes to the bot.
CREATE TABLE staff_roles (
    person_id INTEGER PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'checkin', 'viewer')),
    granted_by INTEGER,
    granted_at TEXT NOT NULL
);
