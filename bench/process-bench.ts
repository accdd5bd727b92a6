/**
 * Case 2 (a child process per variant): 200 runs of `node -e 0` through the engine, against
 * 200 bare execa calls, one at a time and 10 at a time. Arguments: `engine|execa|execa-detached`
 * and `sequential|concurrent`. `execa` is execa's defaults; `execa-detached` adds the spawn
 * options the process runner uses (stdin ignored, detached: its own process group), which alone
 * makes concurrent spawning markedly faster on Linux, so it is the like-for-like baseline.
 * Five warm-up runs come first and are not counted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { validateScheduleFile } from '../src-main/engine/config/validate.ts';
import { createEngine, type Engine } from '../src-main/engine/engine.ts';
import type { Run } from '../src-main/engine/types.ts';
import { progress, reportResult } from './case-process.ts';
import { startCostMeter, summarise, type ProcessCost, type Summary } from './stats.ts';

/** What one variant reports. */
export interface ProcessBenchResult {
  side: Side;
  mode: 'sequential' | 'concurrent';
  runs: number;
  parallelism: number;
  wallSeconds: number;
  runsPerSecond: number;
  /** Wall time of each run (sequential) or of each run from trigger to end (concurrent), ms. */
  perRun: Summary;
  failures: number;
  /** The child's own CPU and memory; the `node -e 0` grandchildren are not included. */
  cost: ProcessCost;
}

/** Who runs the processes. */
export type Side = 'engine' | 'execa' | 'execa-detached';

const RUNS = 200;
const WARM_UP = 5;
const PARALLELISM = 10;
const SCHEDULE = 'node-e-0';

const SIDES: readonly string[] = ['engine', 'execa', 'execa-detached'] satisfies Side[];
const side = process.argv[2] as Side;
const mode = process.argv[3];
if (!SIDES.includes(side)) throw new Error(`Expected the side argument to be one of ${SIDES.join(', ')}, got \`${side}\``);
if (mode !== 'sequential' && mode !== 'concurrent') {
  throw new Error(`Expected the mode argument to be \`sequential\` or \`concurrent\`, got \`${mode}\``);
}
const parallelism = mode === 'sequential' ? 1 : PARALLELISM;
const label = `${side} ${mode}`;

/** Runs `count` jobs through `runOne`, at most `limit` at a time; returns each one's duration. */
async function pool(count: number, limit: number, runOne: () => Promise<boolean>): Promise<{ durations: number[]; failures: number }> {
  const durations: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const began = performance.now();
      if (!(await runOne())) failures += 1;
      durations.push(performance.now() - began);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return { durations, failures };
}

/** An engine with one parallel schedule running `node -e 0`, and a function running it once. */
async function engineRunner(dataDir: string): Promise<{ engine: Engine; runOne: () => Promise<boolean> }> {
  const engine = createEngine({ dataDir });
  engine.store.settings.set('concurrency', parallelism);
  const file = validateScheduleFile({
    schedules: [{
      name: SCHEDULE,
      cron: '0 0 1 1 *',
      timezone: 'UTC',
      overlap: 'parallel',
      maxParallel: 1000,
      job: { type: 'process', executablePath: process.execPath, arguments: ['-e', '0'] },
    }],
  });
  if (!file.ok) throw new Error(file.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  engine.importFile(file.value);
  await engine.start();
  const waiting = new Map<string, (run: Run) => void>();
  engine.events.on('run.finished', (run) => waiting.get(run.id)?.(run));
  const runOne = async () => {
    const admitted = engine.trigger(SCHEDULE);
    if (admitted.status !== 'queued' && admitted.status !== 'running') return false;
    const ended = await new Promise<Run>((resolve) => waiting.set(admitted.id, resolve));
    waiting.delete(admitted.id);
    return ended.status === 'succeeded';
  };
  return { engine, runOne };
}

const execaOptions = side === 'execa-detached' ? { stdin: 'ignore', detached: true } as const : {};
const execaOnce = async () => (await execa(process.execPath, ['-e', '0'], { reject: false, ...execaOptions })).exitCode === 0;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-bench-process-'));
try {
  const { engine, runOne } = side === 'engine' ? await engineRunner(dataDir) : { engine: undefined, runOne: execaOnce };
  if (engine) progress(label, `settings.concurrency = ${engine.store.settings.engine().concurrency}, schedule overlap parallel (maxParallel 1000)`);
  const warm = await pool(WARM_UP, 1, runOne);
  if (warm.failures) throw new Error(`${warm.failures} of ${WARM_UP} warm-up runs failed`);
  const meter = startCostMeter();
  const began = performance.now();
  const { durations, failures } = await pool(RUNS, parallelism, runOne);
  const wallSeconds = (performance.now() - began) / 1000;
  const cost = meter();
  await engine?.stop({ graceMs: 5000 });
  progress(label, `${RUNS} runs, ${parallelism} at a time: ${wallSeconds.toFixed(2)} s`);
  const result: ProcessBenchResult = {
    side,
    mode,
    runs: RUNS,
    parallelism,
    wallSeconds,
    runsPerSecond: RUNS / wallSeconds,
    perRun: summarise(durations),
    failures,
    cost,
  };
  reportResult(result);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
