-- A company picked from the registry is written the registry's way ("Akdeniz Kalıp Ltd. Şti."),
-- not as it was typed to find it ("akdeniz kalip"): profiles, tickets and exports show this name.
-- Only names already given change (a person without one still has a profile form to fill in);
-- company_key stays, as per-company limits match the registry's id first.
UPDATE people SET company = (SELECT name FROM companies WHERE companies.id = people.company_id)
WHERE company IS NOT NULL AND company_id IN (SELECT id FROM companies);

UPDATE staff_added_participants
SET company_name = (
    SELECT c.name FROM companies c JOIN registrations r ON r.company_id = c.id
    WHERE r.id = staff_added_participants.registration_id
)
WHERE company_name IS NOT NULL AND registration_id IN (
    SELECT r.id FROM registrations r JOIN companies c ON c.id = r.company_id
);
