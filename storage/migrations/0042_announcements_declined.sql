-- When the person last said no to announcements when asked (the sign-up form's question or the
-- team's one question): "no" stores no consent, and the team's question does not go to people
-- who already answered it.
ALTER TABLE people ADD COLUMN announcements_declined_at TEXT;
