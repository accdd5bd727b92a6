-- Queued and running runs are found without scanning history: SQLite uses a partial index only
-- when the query repeats its condition, so each index matches the queries in runs-repo.ts.

DROP INDEX runs_by_status;
CREATE INDEX runs_queued_by_due ON runs (due_at) WHERE status = 'queued';
CREATE INDEX runs_active_by_schedule ON runs (schedule_id, status) WHERE status IN ('queued', 'running');
-- The latest ended run of a schedule (list views, "recovered" notifications) without a sort.
CREATE INDEX runs_finished_by_schedule ON runs (schedule_id, finished_at DESC, created_at DESC);
