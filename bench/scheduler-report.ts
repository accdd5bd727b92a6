/**
 * Case 1 in the parent: runs the engine side and the bare croner sides one after another (never
 * at once: the figures are CPU-bound and the machine may have two cores), then prints them side
 * by side with the aims.
 */
import { benchSeconds, runCase } from './case-process.ts';
import type { CronerSchedulerResult } from './scheduler-croner.ts';
import type { EngineSchedulerResult } from './scheduler-engine.ts';
import type { StoreFloorResult } from './scheduler-store-floor.ts';
import { fmt, markdownTable, textTable, type ProcessCost, type Summary } from './stats.ts';

/** Everything case 1 measured. */
export interface SchedulerCase {
  seconds: number;
  engine: EngineSchedulerResult;
  croner: CronerSchedulerResult;
  cronerUtc: CronerSchedulerResult;
  floor: StoreFloorResult;
}

const HEADER = ['side', 'recorded / expected', 'started', 'lateness p50', 'p90', 'p99', 'max (ms)', 'CPU s', 'CPU % core', 'CPU µs / occurrence', 'peak RSS MiB', 'load'];

/** Runs case 1's three children sequentially. */
export async function runSchedulerCase(): Promise<SchedulerCase> {
  const seconds = benchSeconds();
  console.log(`\nCase 1: 1,000 schedules firing every second for ${seconds} s (BENCH_SECONDS=${seconds})`);
  const engine = await runCase<EngineSchedulerResult>('scheduler-engine.ts');
  const croner = await runCase<CronerSchedulerResult>('scheduler-croner.ts', ['none']);
  const cronerUtc = await runCase<CronerSchedulerResult>('scheduler-croner.ts', ['utc']);
  const floor = await runCase<StoreFloorResult>('scheduler-store-floor.ts');
  return { seconds, engine, croner, cronerUtc, floor };
}

function row(side: string, recorded: number, expected: number, started: number, late: Summary, cost: ProcessCost, seconds: number): string[] {
  return [
    side,
    `${recorded} / ${expected}`,
    String(started),
    fmt(late.p50, 0),
    fmt(late.p90, 0),
    fmt(late.p99, 0),
    fmt(late.max, 0),
    fmt(cost.cpuSeconds, 2),
    fmt((cost.cpuSeconds / seconds) * 100, 1),
    fmt((cost.cpuSeconds * 1e6) / expected, 0),
    fmt(cost.peakRssMiB, 0),
    fmt(cost.loadAverage, 2),
  ];
}

function rows(c: SchedulerCase): string[][] {
  const { engine: e, croner: b, cronerUtc: u, seconds } = c;
  return [
    row('engine (no-op runner, SQLite)', e.rows, e.expected, e.started, e.lateness.started, e.cost, seconds),
    row("bare croner (no timezone)", b.calls, b.expected, b.calls, b.lateness.started, b.cost, seconds),
    row("bare croner (timezone 'UTC')", u.calls, u.expected, u.calls, u.lateness.started, u.cost, seconds),
  ];
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}

/** The aims of case 1, each with whether this run met it. */
export function schedulerAims(c: SchedulerCase): string[] {
  const e = c.engine;
  const p99 = e.lateness.started.p99;
  const base = c.croner.lateness.started.p99;
  const everyOne = e.rows === e.expected && e.started === e.expected && e.duplicates === 0;
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const floor = c.floor.row990.p50;
  return [
    `every occurrence recorded and started: ${e.started} of ${e.expected} started, ${e.rows} rows, ${e.duplicates} duplicates, ` +
      `skipped: ${counts(e.skippedByReason)}, still queued: ${e.notStarted}, rows at window end: ${e.rowsAtWindowEnd} → ${verdict(everyOne)}`,
    `engine start lateness p99 < 10 ms: ${fmt(p99, 0)} ms → ${verdict(p99 < 10)} ` +
      `(store floor on this machine: the 990th of 1,000 run rows is written ${fmt(floor, 1)} ms into its transaction, p50)`,
    `within 2x of bare croner p99: ${fmt(p99, 0)} / ${fmt(base, 0)} ms = ${fmt(p99 / base, 2)}x → ${verdict(p99 <= 2 * base)}`,
  ];
}

/** Prints case 1 for the terminal. */
export function printSchedulerCase(c: SchedulerCase): void {
  const e = c.engine;
  console.log(`\nCase 1 results (window ${c.seconds} s, ${e.schedules} schedules, settings.concurrency = ${e.concurrency})`);
  console.log('Lateness = actual start − intended occurrence, ms. Engine: started_at − scheduled_for from the store.');
  console.log('CPU = the case process during the window; µs / occurrence = that ÷ expected occurrences (least sensitive to machine load).');
  console.log(textTable(HEADER, rows(c)));
  console.log(`\nengine rows by status: ${counts(e.byStatus)}; by trigger: ${counts(e.byTrigger)}`);
  console.log(`engine rows when the window closed: ${e.rowsAtWindowEnd}; all recorded and started ${fmt(e.catchUpMs, 0)} ms after it (grace 15 s)`);
  console.log(`engine skipped by reason: ${counts(e.skippedByReason)}; not started (still queued after the grace): ${e.notStarted}`);
  const wake = e.lateness.wake;
  const fin = e.lateness.finished;
  console.log(`engine wake lateness (created_at − scheduled_for) p50/p99/max: ${fmt(wake.p50, 0)}/${fmt(wake.p99, 0)}/${fmt(wake.max, 0)} ms`);
  const called = e.lateness.runnerCalled;
  console.log(`engine runner called (after the wake's commit) − scheduled_for p50/p99/max: ${fmt(called.p50, 0)}/${fmt(called.p99, 0)}/${fmt(called.max, 0)} ms`);
  console.log(`engine end recorded (finished_at − scheduled_for) p50/p99/max: ${fmt(fin.p50, 0)}/${fmt(fin.p99, 0)}/${fmt(fin.max, 0)} ms`);
  console.log(`engine CPU incl. set-up and import: ${fmt(e.cost.cpuSecondsTotal, 2)} s`);
  console.log(storeFloorLine(c.floor));
  for (const aim of schedulerAims(c)) console.log(`aim: ${aim}`);
}

/** The store floor in one line: SQLite alone writing a wake's 1,000 run rows. */
export function storeFloorLine(f: StoreFloorResult): string {
  const { row990: r, committed: k } = f;
  return `store floor (SQLite alone, the engine's schema and insert, ${f.rounds} rounds of ${f.rowsPerRound} run rows in one transaction): ` +
    `990th row written after p50/p90/max ${fmt(r.p50, 1)}/${fmt(r.p90, 1)}/${fmt(r.max, 1)} ms; committed after ${fmt(k.p50, 1)}/${fmt(k.p90, 1)}/${fmt(k.max, 1)} ms`;
}

/** Case 1 as markdown for the README. */
export function schedulerMarkdown(c: SchedulerCase): string {
  return markdownTable(HEADER, rows(c));
}
