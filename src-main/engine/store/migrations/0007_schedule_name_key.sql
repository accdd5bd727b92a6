-- A schedule name is one name whatever its letter case, as within a schedule file (the duplicate
-- check in config/cross-checks.ts): `name_key` is the name folded by the engine (JavaScript's
-- toLowerCase, the fold that check uses; SQLite's NOCASE and lower() fold ASCII letters only),
-- and every lookup by name reads this index.
-- Not UNIQUE: a data folder written before this may hold two names that differ only in case, and
-- the migration must not fail on it. The engine refuses to make a new pair (schedule-service.ts),
-- an import with --replace can clear one, and lookups prefer the exact spelling.
-- lower() fills the key of every ASCII name here; the repository corrects any other when it opens.

ALTER TABLE schedules ADD COLUMN name_key TEXT;
UPDATE schedules SET name_key = lower(name);
CREATE INDEX schedules_by_name_key ON schedules (name_key);
