-- Extensions the schema needs before any table exists.
-- pg_trgm backs fuzzy search on lead, contact and company names.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
