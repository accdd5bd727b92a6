-- Notifications sent (or not) about runs: one row per channel and target, with its outcome.
-- Flood control reads it too, so it survives a restart.

CREATE TABLE notifications (
  id           TEXT PRIMARY KEY,
  run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  schedule_id  TEXT NOT NULL,
  channel      TEXT NOT NULL CHECK (channel IN ('email','webhook')),
  target       TEXT NOT NULL,             -- the recipients (email) or the webhook's name
  event        TEXT NOT NULL CHECK (event IN
                 ('failure','retries_exhausted','success','recovered','long_running','skipped')),
  status       TEXT NOT NULL CHECK (status IN ('pending','sent','failed','suppressed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  created_at   INTEGER NOT NULL,
  sent_at      INTEGER
);

CREATE INDEX notifications_by_run ON notifications (run_id);
CREATE INDEX notifications_by_flood ON notifications (schedule_id, event, channel, created_at);
