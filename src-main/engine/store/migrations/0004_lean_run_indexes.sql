-- Writing a run touches one page per index, and each page costs the commit about ten
-- microseconds, so runs are written with two index entries fewer:
--
-- A run enters the "latest ended run of a schedule" index when it ends, not when it is written.
-- The chain index holds retries only: a first attempt is its own chain (chain_id = id), found by
-- its primary key. Queries repeat each index's condition, as SQLite needs to use a partial index.

DROP INDEX runs_finished_by_schedule;
CREATE INDEX runs_finished_by_schedule ON runs (schedule_id, finished_at DESC, created_at DESC)
  WHERE finished_at IS NOT NULL;

DROP INDEX runs_by_chain;
CREATE INDEX runs_retries_by_chain ON runs (chain_id, attempt) WHERE attempt > 0;
