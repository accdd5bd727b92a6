/**
 * Notification rows: what was sent about each run, on which channel, and how it went. Flood
 * control is derived from these rows (the last message sent per schedule, event and channel,
 * and the ones held back since), so it survives a restart. Synchronous, like every repository.
 */
import type { Database } from 'better-sqlite3';
import type { NotifyEvent, RunStatus } from '../types.ts';

export type NotificationChannel = 'email' | 'webhook';
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'suppressed';

/** One notification about one run. Times are epoch milliseconds (UTC). */
export interface NotificationRecord {
  id: string;
  runId: string;
  scheduleId: string;
  channel: NotificationChannel;
  /** The recipients (email, comma-separated) or the webhook's name. */
  target: string;
  event: NotifyEvent;
  status: NotificationStatus;
  attempts: number;
  error: string | null;
  createdAt: number;
  sentAt: number | null;
}

interface NotificationRow {
  id: string;
  run_id: string;
  schedule_id: string;
  channel: NotificationChannel;
  target: string;
  event: NotifyEvent;
  status: NotificationStatus;
  attempts: number;
  error: string | null;
  created_at: number;
  sent_at: number | null;
}

/** Where flood control stands for one schedule, event and channel. */
export interface FloodState {
  /** When the last message went out (or started to), if any. */
  lastSentAt: number | null;
  /** Messages held back since then, and when the first of them was. */
  heldBack: number;
  firstHeldBackAt: number | null;
}

export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>;

/** Builds the notifications repository. */
export function createNotificationsRepo(db: Database) {
  const insertStmt = db.prepare(`INSERT INTO notifications (id, run_id, schedule_id, channel, target, event, status,
      attempts, error, created_at, sent_at)
    VALUES (@id, @runId, @scheduleId, @channel, @target, @event, @status, @attempts, @error, @createdAt, @sentAt)`);
  const finishStmt = db.prepare(
    'UPDATE notifications SET status = @status, attempts = @attempts, error = @error, sent_at = @sentAt WHERE id = @id',
  );
  const forRunStmt = db.prepare<[string], NotificationRow>(
    'SELECT * FROM notifications WHERE run_id = ? ORDER BY created_at, rowid',
  );
  const lastSentStmt = db.prepare<[string, string, string], { at: number; seq: number }>(
    `SELECT created_at AS at, rowid AS seq FROM notifications
      WHERE schedule_id = ? AND event = ? AND channel = ? AND status IN ('sent', 'pending')
      ORDER BY rowid DESC LIMIT 1`,
  );
  const heldBackStmt = db.prepare<[string, string, string, number], { n: number; first: number | null }>(
    `SELECT count(*) AS n, MIN(created_at) AS first FROM notifications
      WHERE schedule_id = ? AND event = ? AND channel = ? AND status = 'suppressed' AND rowid > ?`,
  );
  const pendingStmt = db.prepare<[], NotificationRow>(
    "SELECT * FROM notifications WHERE status = 'pending' ORDER BY created_at, rowid",
  );
  // The rows held back since the message before this one, as flood control counted them when it
  // admitted this one (the message before is the last one sent or pending, as in lastSentStmt).
  const heldBackBeforeStmt = db.prepare<[{ id: string }], { n: number; first: number | null }>(
    `WITH this AS (SELECT rowid AS seq, schedule_id, event, channel FROM notifications WHERE id = @id),
      previous AS (SELECT COALESCE(MAX(n.rowid), 0) AS seq FROM notifications n, this
        WHERE n.schedule_id = this.schedule_id AND n.event = this.event AND n.channel = this.channel
          AND n.status IN ('sent', 'pending') AND n.rowid < this.seq)
    SELECT count(*) AS n, MIN(n.created_at) AS first FROM notifications n, this, previous
      WHERE n.schedule_id = this.schedule_id AND n.event = this.event AND n.channel = this.channel
        AND n.status = 'suppressed' AND n.rowid < this.seq AND n.rowid > previous.seq`,
  );
  const previousOutcomeStmt = db.prepare<[string, string, number], { status: RunStatus }>(
    `SELECT status FROM runs
      WHERE schedule_id = ? AND id <> ? AND finished_at <= ?
        AND status IN ('succeeded', 'failed', 'timed_out', 'interrupted')
      ORDER BY finished_at DESC, created_at DESC LIMIT 1`,
  );

  const toRecord = (row: NotificationRow): NotificationRecord => ({
    id: row.id,
    runId: row.run_id,
    scheduleId: row.schedule_id,
    channel: row.channel,
    target: row.target,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  });

  return {
    insert(record: NotificationRecord): void {
      insertStmt.run(record);
    },
    /** Records how a pending notification ended. */
    finish(id: string, end: { status: NotificationStatus; attempts: number; error: string | null; sentAt: number | null }): void {
      finishStmt.run({ id, ...end });
    },
    forRun(runId: string): NotificationRecord[] {
      return forRunStmt.all(runId).map(toRecord);
    },
    flood(scheduleId: string, event: NotifyEvent, channel: NotificationChannel): FloodState {
      const last = lastSentStmt.get(scheduleId, event, channel);
      const held = heldBackStmt.get(scheduleId, event, channel, last?.seq ?? 0);
      return { lastSentAt: last?.at ?? null, heldBack: held?.n ?? 0, firstHeldBackAt: held?.first ?? null };
    },
    /** Notifications decided but not yet sent or failed: at start, the ones a stopped process left. */
    pending(): NotificationRecord[] {
      return pendingStmt.all().map(toRecord);
    },
    /** The messages flood control held back into notification `id` when it was admitted. */
    heldBackBefore(id: string): { count: number; since: number | null } {
      const held = heldBackBeforeStmt.get({ id });
      return { count: held?.n ?? 0, since: held?.first ?? null };
    },
    /** How the schedule's previous run (before `runId`, skips and cancels aside) ended. */
    previousOutcome(scheduleId: string, runId: string, finishedAt: number): RunStatus | undefined {
      return previousOutcomeStmt.get(scheduleId, runId, finishedAt)?.status;
    },
  };
}
