-- Every admission counts its schedule's running and waiting runs (the overlap check). With
-- `trigger` in the index, that count reads the index alone and fetches no run row.

DROP INDEX runs_active_by_schedule;
CREATE INDEX runs_active_by_schedule ON runs (schedule_id, status, trigger) WHERE status IN ('queued', 'running');
