-- The post-event feedback asks two optional questions after the rating: what was most useful
-- (kept in `comment`, the free text feedback always had, so earlier comments read the same)
-- and what the cluster should do next.
ALTER TABLE feedback ADD COLUMN next_wish TEXT;
