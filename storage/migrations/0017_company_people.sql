-- Belonging to a company is earned: a person who joined through the company's invite link (or
-- whom the company's contact or staff approved) is verified; a typed or matched name is not.
ALTER TABLE people ADD COLUMN company_verified INTEGER NOT NULL DEFAULT 0
    CHECK (company_verified IN (0, 1));
