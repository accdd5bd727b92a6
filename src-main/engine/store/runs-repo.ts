/**
 * Run rows: prepared statements and the mapping between SQLite rows and `Run`. Everything here is
 * synchronous (better-sqlite3); callers wrap multi-statement changes in `db.transaction`.
 */
import type { Database } from 'better-sqlite3';
import type { Run, RunStatus, RunTrigger, SkipReason } from '../types.ts';

interface RunRow {
  id: string;
  schedule_id: string;
  schedule_name: string;
  attempt: number;
  trigger: RunTrigger;
  triggered_by: string | null;
  chain_id: string;
  scheduled_for: number;
  due_at: number;
  started_at: number | null;
  finished_at: number | null;
  heartbeat_at: number | null;
  status: RunStatus;
  exit_code: number | null;
  error: string | null;
  error_detail: string | null;
  reason: SkipReason | null;
  stdout_tail: string | null;
  stderr_tail: string | null;
  result: string | null;
  host: string;
  pid: number | null;
  priority: number;
  timeout_seconds: number | null;
  parameter_overrides: string | null;
  cancel_requested: number;
  created_at: number;
}

/**
 * The runs of the retry chain `@chainId`: its first attempt (whose id is the chain's) by primary
 * key, its retries through the partial index runs_retries_by_chain (migration 0004).
 */
const IN_CHAIN = '(id = @chainId OR (chain_id = @chainId AND attempt > 0))';

/** What ends a run: the terminal status and everything learned while it ran. */
export interface RunFinish {
  status: RunStatus;
  finishedAt: number;
  exitCode?: number | null;
  error?: string | null;
  errorDetail?: string | null;
  stdoutTail?: string | null;
  stderrTail?: string | null;
  result?: unknown;
}

/** Filters for run history, newest first, keyset-paged by (createdAt, id). */
export interface RunFilter {
  scheduleId?: string;
  statuses?: RunStatus[];
  chainId?: string;
  from?: number;
  to?: number;
  limit?: number;
  before?: { createdAt: number; id: string };
}

/** The run repository: the only place that knows the `runs` table's columns. */
export type RunsRepo = ReturnType<typeof createRunsRepo>;

/**
 * Builds the run repository. `encodeOverrides`/`decodeOverrides` keep trigger-time parameter
 * overrides encrypted at rest, since an operator may pass a secret for one run.
 */
export function createRunsRepo(
  db: Database,
  codec: { encode(json: string): string; decode(stored: string): string },
) {
  const insertStmt = db.prepare(`INSERT INTO runs (id, schedule_id, schedule_name, attempt, trigger, triggered_by,
      chain_id, scheduled_for, due_at, started_at, finished_at, heartbeat_at, status, error, reason, host, priority,
      timeout_seconds, parameter_overrides, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const getStmt = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  const startStmt = db.prepare(
    `UPDATE runs SET status = 'running', started_at = ?, heartbeat_at = ?, host = ? WHERE id = ? AND status = 'queued'`,
  );
  const finishStmt = db.prepare<[Record<string, unknown>], { heartbeat_at: number | null; pid: number | null; cancel_requested: number }>(`UPDATE runs SET status = @status, finished_at = @finishedAt, exit_code = @exitCode,
      error = @error, error_detail = @errorDetail, stdout_tail = @stdoutTail, stderr_tail = @stderrTail,
      result = @result WHERE id = @id AND status IN ('queued', 'running')
    RETURNING heartbeat_at, pid, cancel_requested`);
  const pidStmt = db.prepare('UPDATE runs SET pid = ? WHERE id = ?');
  const heartbeatStmt = db.prepare(`UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'`);
  const cancelStmt = db.prepare(
    `UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status IN ('queued', 'running')`,
  );
  const dueStmt = db.prepare<[number], RunRow>(
    `SELECT * FROM runs WHERE status = 'queued' AND due_at <= ? ORDER BY priority DESC, due_at, created_at`,
  );
  const nextDueStmt = db.prepare<[number], { due: number | null }>(
    `SELECT MIN(due_at) AS due FROM runs WHERE status = 'queued' AND due_at > ?`,
  );
  const byStatusStmt = db.prepare<[RunStatus], RunRow>('SELECT * FROM runs WHERE status = ?');
  const queuedCountStmt = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM runs WHERE status = 'queued'`);
  const cancelRequestedStmt = db.prepare<[], RunRow>(
    `SELECT * FROM runs WHERE cancel_requested = 1 AND status IN ('queued', 'running')`,
  );
  const activeCountStmt = db.prepare<[string], { running: number; waiting: number }>(
    `SELECT COALESCE(SUM(status = 'running'), 0) AS running,
            COALESCE(SUM(status = 'queued' AND trigger <> 'retry'), 0) AS waiting
       FROM runs WHERE schedule_id = ? AND status IN ('queued', 'running')`,
  );
  const activeCountsAllStmt = db.prepare<[], { schedule_id: string; running: number; waiting: number }>(
    `SELECT schedule_id, COALESCE(SUM(status = 'running'), 0) AS running,
            COALESCE(SUM(status = 'queued' AND trigger <> 'retry'), 0) AS waiting
       FROM runs WHERE status IN ('queued', 'running') GROUP BY schedule_id`,
  );
  const anyDueStmt = db.prepare<[number], { one: number }>(
    `SELECT 1 AS one FROM runs WHERE status = 'queued' AND due_at <= ? LIMIT 1`,
  );
  const activeRunStmt = db.prepare<[string], { id: string; status: RunStatus }>(
    `SELECT id, status FROM runs WHERE schedule_id = ? AND status IN ('queued', 'running')
      ORDER BY status = 'running' DESC, created_at LIMIT 1`,
  );
  const chainStartStmt = db.prepare<[{ chainId: string }], { first: number | null }>(
    `SELECT MIN(COALESCE(started_at, due_at)) AS first FROM runs WHERE ${IN_CHAIN}`,
  );
  const lastFinishedStmt = db.prepare<[string], RunRow>(
    `SELECT * FROM runs WHERE schedule_id = ? AND finished_at IS NOT NULL
        AND status NOT IN ('queued', 'running', 'skipped')
      ORDER BY finished_at DESC LIMIT 1`,
  );
  const pruneStmt = db.prepare<[number], { id: string }>(
    `DELETE FROM runs WHERE created_at < ? AND status NOT IN ('queued', 'running') RETURNING id`,
  );

  const toRun = (row: RunRow): Run => ({
    id: row.id,
    scheduleId: row.schedule_id,
    scheduleName: row.schedule_name,
    attempt: row.attempt,
    trigger: row.trigger,
    triggeredBy: row.triggered_by,
    chainId: row.chain_id,
    scheduledFor: row.scheduled_for,
    dueAt: row.due_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    heartbeatAt: row.heartbeat_at,
    status: row.status,
    exitCode: row.exit_code,
    error: row.error,
    errorDetail: row.error_detail,
    reason: row.reason,
    stdoutTail: row.stdout_tail,
    stderrTail: row.stderr_tail,
    result: row.result === null ? null : JSON.parse(row.result),
    host: row.host,
    pid: row.pid,
    priority: row.priority,
    timeoutSeconds: row.timeout_seconds,
    parameterOverrides: row.parameter_overrides === null ? null : JSON.parse(codec.decode(row.parameter_overrides)),
    cancelRequested: row.cancel_requested === 1,
    createdAt: row.created_at,
  });

  return {
    insert(run: Run): void {
      // Positional, in the column order above: a wake may write a thousand of these in a row.
      insertStmt.run(
        run.id, run.scheduleId, run.scheduleName, run.attempt, run.trigger, run.triggeredBy, run.chainId,
        run.scheduledFor, run.dueAt, run.startedAt, run.finishedAt, run.heartbeatAt, run.status, run.error,
        run.reason, run.host, run.priority, run.timeoutSeconds,
        run.parameterOverrides ? codec.encode(JSON.stringify(run.parameterOverrides)) : null,
        run.createdAt,
      );
    },
    get(id: string): Run | undefined {
      const row = getStmt.get(id);
      return row ? toRun(row) : undefined;
    },
    /** Moves a queued run to running; false if something else already started or ended it. */
    markStarted(id: string, at: number, host: string): boolean {
      return startStmt.run(at, at, host, id).changes === 1;
    },
    /**
     * Ends a queued or running run. Returns the run as now stored (what `get` would read, built
     * from `run` without reading it back), or undefined if it had already ended.
     */
    finish(run: Run, end: RunFinish): Run | undefined {
      const result = end.result === undefined || end.result === null ? null : JSON.stringify(end.result);
      const ended = {
        status: end.status,
        finishedAt: end.finishedAt,
        exitCode: end.exitCode ?? null,
        error: end.error ?? null,
        errorDetail: end.errorDetail ?? null,
        stdoutTail: end.stdoutTail ?? null,
        stderrTail: end.stderrTail ?? null,
      };
      // The columns others may have changed while it ran come back from the UPDATE itself.
      const current = finishStmt.get({ id: run.id, ...ended, result });
      if (!current) return undefined;
      return {
        ...run,
        ...ended,
        heartbeatAt: current.heartbeat_at,
        pid: current.pid,
        cancelRequested: current.cancel_requested === 1,
        result: result === null ? null : JSON.parse(result),
      };
    },
    setPid(id: string, pid: number): void {
      pidStmt.run(pid, id);
    },
    heartbeat(ids: Iterable<string>, at: number): void {
      for (const id of ids) heartbeatStmt.run(at, id);
    },
    requestCancel(id: string): boolean {
      return cancelStmt.run(id).changes === 1;
    },
    /** Queued runs whose time has come, by priority then age. */
    due(now: number): Run[] {
      return dueStmt.all(now).map(toRun);
    },
    /** True when some queued run is due at `now` (so a new run must wait its turn behind it). */
    anyDue(now: number): boolean {
      return anyDueStmt.get(now) !== undefined;
    },
    /**
     * The earliest due time after `now` of any queued run. Runs already due are not counted: they
     * wait for room, and the dispatcher is asked again whenever a run ends.
     */
    nextDueAfter(now: number): number | null {
      return nextDueStmt.get(now)?.due ?? null;
    },
    queuedCount(): number {
      return queuedCountStmt.get()?.n ?? 0;
    },
    withStatus(status: RunStatus): Run[] {
      return byStatusStmt.all(status).map(toRun);
    },
    cancelRequested(): Run[] {
      return cancelRequestedStmt.all().map(toRun);
    },
    /** How many runs of a schedule are running, and how many (not retries) wait to. */
    activeCounts(scheduleId: string): { running: number; waiting: number } {
      return activeCountStmt.get(scheduleId) ?? { running: 0, waiting: 0 };
    },
    /** activeCounts for every schedule with an active run, in one query. */
    activeCountsAll(): Map<string, { running: number; waiting: number }> {
      return new Map(activeCountsAllStmt.all().map((r) => [r.schedule_id, { running: r.running, waiting: r.waiting }]));
    },
    activeRun(scheduleId: string): { id: string; status: RunStatus } | undefined {
      return activeRunStmt.get(scheduleId);
    },
    chainStartedAt(chainId: string): number | null {
      return chainStartStmt.get({ chainId })?.first ?? null;
    },
    lastFinished(scheduleId: string): Run | undefined {
      const row = lastFinishedStmt.get(scheduleId);
      return row ? toRun(row) : undefined;
    },
    list(filter: RunFilter = {}): Run[] {
      const where: string[] = [];
      const args: Record<string, unknown> = {};
      if (filter.scheduleId) (where.push('schedule_id = @scheduleId'), (args.scheduleId = filter.scheduleId));
      if (filter.chainId) (where.push(IN_CHAIN), (args.chainId = filter.chainId));
      if (filter.from !== undefined) (where.push('created_at >= @from'), (args.from = filter.from));
      if (filter.to !== undefined) (where.push('created_at < @to'), (args.to = filter.to));
      if (filter.statuses?.length) {
        where.push(`status IN (${filter.statuses.map((_, i) => `@s${i}`).join(', ')})`);
        filter.statuses.forEach((s, i) => (args[`s${i}`] = s));
      }
      if (filter.before) {
        where.push('(created_at < @bc OR (created_at = @bc AND id < @bid))');
        args.bc = filter.before.createdAt;
        args.bid = filter.before.id;
      }
      args.limit = filter.limit ?? 100;
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT @limit`;
      return db.prepare<[Record<string, unknown>], RunRow>(sql).all(args).map(toRun);
    },
    /** Deletes ended runs created before `before`; returns their ids so output files go too. */
    prune(before: number): string[] {
      return pruneStmt.all(before).map((r) => r.id);
    },
  };
}
