-- A company's contact person: asked to confirm the people who claim the company (one tap in
-- the chat), set by staff on the company's page or by opening the contact's invite link.
-- Erasing the contact's data leaves the company without one.
ALTER TABLE companies ADD COLUMN contact_person_id INTEGER REFERENCES people (id) ON DELETE SET NULL;
