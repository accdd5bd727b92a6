-- Batchlight store, version 1. Times are epoch milliseconds, UTC.

CREATE TABLE schedules (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  spec             TEXT NOT NULL,          -- ScheduleSpec as JSON, secrets encrypted
  enabled          INTEGER NOT NULL DEFAULT 1,
  paused           INTEGER NOT NULL DEFAULT 0,
  priority         INTEGER NOT NULL DEFAULT 0,
  last_occurrence  INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);

CREATE TABLE runs (
  id                  TEXT PRIMARY KEY,
  schedule_id         TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  schedule_name       TEXT NOT NULL,
  attempt             INTEGER NOT NULL DEFAULT 0,
  trigger             TEXT NOT NULL CHECK (trigger IN ('schedule','manual','retry','catch_up')),
  triggered_by        TEXT,
  chain_id            TEXT NOT NULL,
  scheduled_for       INTEGER NOT NULL,
  due_at              INTEGER NOT NULL,
  started_at          INTEGER,
  finished_at         INTEGER,
  heartbeat_at        INTEGER,
  status              TEXT NOT NULL CHECK (status IN
                        ('queued','running','succeeded','failed','timed_out','cancelled','skipped','interrupted')),
  exit_code           INTEGER,
  error               TEXT,
  error_detail        TEXT,
  reason              TEXT CHECK (reason IS NULL OR reason IN ('overlap','misfire','paused')),
  stdout_tail         TEXT,
  stderr_tail         TEXT,
  result              TEXT,
  host                TEXT NOT NULL,
  pid                 INTEGER,
  priority            INTEGER NOT NULL DEFAULT 0,
  timeout_seconds     INTEGER,
  parameter_overrides TEXT,                -- JSON, encrypted when it holds secrets
  cancel_requested    INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL
);

CREATE INDEX runs_by_schedule ON runs (schedule_id, created_at DESC);
CREATE INDEX runs_by_status ON runs (status, due_at) WHERE status IN ('queued','running');
CREATE INDEX runs_by_created ON runs (created_at DESC, id);
CREATE INDEX runs_by_chain ON runs (chain_id, attempt);

CREATE TABLE connections (
  name               TEXT PRIMARY KEY,
  type               TEXT NOT NULL CHECK (type IN ('sqlserver','postgres')),
  connection_string  TEXT NOT NULL,        -- encrypted
  updated_at         INTEGER NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL                     -- JSON; secret values encrypted
);

-- Who is serving this data folder. One row; a fresh heartbeat means an engine is live.
CREATE TABLE engine_lease (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  owner         TEXT NOT NULL,
  host          TEXT NOT NULL,
  pid           INTEGER NOT NULL,
  started_at    INTEGER NOT NULL,
  heartbeat_at  INTEGER NOT NULL
);
