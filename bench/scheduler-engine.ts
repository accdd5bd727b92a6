/**
 * Case 1, engine side (a child process): 1,000 schedules firing every second, each running a
 * job whose runner does nothing, so what is measured is the engine's own cost: planning the
 * occurrence, writing the run row, dispatching, recording the end. Lateness is read back from
 * the store (started_at − scheduled_for) for every occurrence strictly inside the window.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../src-main/engine/engine.ts';
import type { Runner } from '../src-main/engine/runners/runner.ts';
import { everySecondFile } from './every-second-file.ts';
import { benchSeconds, nextHalfSecond, progress, reportResult, sleepUntil } from './case-process.ts';
import { startCostMeter, summarise, type ProcessCost, type Summary } from './stats.ts';

/** What the engine side reports. */
export interface EngineSchedulerResult {
  side: 'engine';
  seconds: number;
  schedules: number;
  concurrency: number;
  window: { from: number; to: number };
  expected: number;
  /** Rows of any kind whose occurrence lies inside the window, when the window closed. */
  rowsAtWindowEnd: number;
  /**
   * The same after up to GRACE_MS more for a lagging engine to catch up (figures below count
   * these rows, so "late" and "never recorded" can be told apart).
   */
  rows: number;
  /** How long the engine needed after the window to record and start every occurrence in it, ms. */
  catchUpMs: number;
  /** Rows beyond one per (schedule, occurrence): must be 0. */
  duplicates: number;
  started: number;
  /** Rows still queued when the window closed. */
  notStarted: number;
  byStatus: Record<string, number>;
  byTrigger: Record<string, number>;
  skippedByReason: Record<string, number>;
  /**
   * Occurrence → the wake that planned it (created_at is the loop's `now`, not the insert
   * instant), → run started (started_at, stamped as its row is written, before the wake's
   * transaction commits), → runner called (after that commit), → run recorded as ended
   * (finished_at), ms.
   */
  lateness: { wake: Summary; started: Summary; runnerCalled: Summary; finished: Summary };
  cost: ProcessCost;
}

const SCHEDULES = 1000;
const GRACE_MS = 15_000;
const CONCURRENCY = 2000;
const label = 'engine';

/** When the runner was called, per (schedule, occurrence): started_at is stamped before the commit. */
const calledAt = new Map<string, number>();
const noopRunner: Runner = {
  type: 'process',
  run: async ({ run }) => {
    calledAt.set(`${run.scheduleId}@${run.scheduledFor}`, Date.now());
    return { ok: true, exitCode: 0 };
  },
};

const seconds = benchSeconds();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-bench-scheduler-'));
try {
  const engine = createEngine({ dataDir, runners: [noopRunner] });
  engine.store.settings.set('concurrency', CONCURRENCY);
  const file = everySecondFile(SCHEDULES);
  engine.importFile(file);
  const concurrency = engine.store.settings.engine().concurrency;
  progress(label, `${SCHEDULES} schedules imported (cron '* * * * * *', UTC), settings.concurrency = ${concurrency}`);

  await engine.start();
  const from = nextHalfSecond(1000);
  const to = from + seconds * 1000;
  await sleepUntil(from);
  const meter = startCostMeter();
  progress(label, `window ${new Date(from).toISOString()} → ${new Date(to).toISOString()} (${seconds} s)`);
  await sleepUntil(to);
  const cost = meter();

  const inWindow = engine.store.db.prepare<[number, number], { rows: number; waiting: number }>(
    `SELECT COUNT(*) AS rows, COALESCE(SUM(status = 'queued'), 0) AS waiting FROM runs WHERE scheduled_for > ? AND scheduled_for < ?`,
  );
  const rowsAtWindowEnd = inWindow.get(from, to)!.rows;
  for (;;) {
    const now = inWindow.get(from, to)!;
    if ((now.rows >= SCHEDULES * seconds && now.waiting === 0) || Date.now() - to > GRACE_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const catchUpMs = Date.now() - to;
  const rows = engine.store.db
    .prepare<[number, number], { schedule_id: string; trigger: string; status: string; reason: string | null; scheduled_for: number; created_at: number; started_at: number | null; finished_at: number | null }>(
      `SELECT schedule_id, trigger, status, reason, scheduled_for, created_at, started_at, finished_at
         FROM runs WHERE scheduled_for > ? AND scheduled_for < ?`,
    )
    .all(from, to);
  await engine.stop({ graceMs: 5000 });

  const count = (key: (r: (typeof rows)[number]) => string | null) => {
    const counts: Record<string, number> = {};
    for (const r of rows) {
      const k = key(r);
      if (k !== null) counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  };
  const started = rows.filter((r) => r.started_at !== null);
  const ended = started.filter((r) => r.finished_at !== null);
  const result: EngineSchedulerResult = {
    side: 'engine',
    seconds,
    schedules: SCHEDULES,
    concurrency,
    window: { from, to },
    expected: SCHEDULES * seconds,
    rowsAtWindowEnd,
    rows: rows.length,
    catchUpMs,
    duplicates: rows.length - new Set(rows.map((r) => `${r.schedule_id}@${r.scheduled_for}`)).size,
    started: started.length,
    notStarted: rows.filter((r) => r.status === 'queued').length,
    byStatus: count((r) => r.status),
    byTrigger: count((r) => r.trigger),
    skippedByReason: count((r) => (r.status === 'skipped' ? (r.reason ?? 'none') : null)),
    lateness: {
      wake: summarise(rows.map((r) => r.created_at - r.scheduled_for)),
      started: summarise(started.map((r) => r.started_at! - r.scheduled_for)),
      runnerCalled: summarise(started.flatMap((r) => {
        const called = calledAt.get(`${r.schedule_id}@${r.scheduled_for}`);
        return called === undefined ? [] : [called - r.scheduled_for];
      })),
      finished: summarise(ended.map((r) => r.finished_at! - r.scheduled_for)),
    },
    cost,
  };
  reportResult(result);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
