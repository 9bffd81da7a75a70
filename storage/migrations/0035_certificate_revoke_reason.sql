-- Why staff revoked a certificate, in their own words: the holder is told it with the news.
ALTER TABLE certificates ADD COLUMN revoked_reason TEXT;
