/**
 * HTTP case: 5,000 calls to a loopback API through the engine (a schedule run each: run rows in
 * SQLite, output files, the HTTP runner) against 5,000 bare undici `fetch` calls, all 10 at a
 * time; also the HTTP runner called alone (no engine: what the runner itself costs) and bare
 * undici `request` (what the runner sends with). Each variant runs in a child process
 * of its own; the API server lives in the parent, which is idle while a child measures. Rounds
 * are interleaved and each variant's best round counts (env BENCH_HTTP_ROUNDS, default 2).
 *
 * `npx tsx bench/http-bench.ts` runs the case and prints it; the parent also exports
 * runHttpCase / printHttpCase / httpMarkdown / httpAims for bench/index.ts.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch, request } from 'undici';
import { Writable } from 'node:stream';
import { validateScheduleFile, type ScheduleFile } from '../src-main/engine/config/validate.ts';
import { createEngine } from '../src-main/engine/engine.ts';
import { createHttpRunner } from '../src-main/engine/runners/http-runner.ts';
import { silentLogger } from '../src-main/engine/logger.ts';
import type { RunContext } from '../src-main/engine/runners/runner.ts';
import type { HttpJob, Run } from '../src-main/engine/types.ts';
import { progress, reportResult, runCase } from './case-process.ts';
import { fmt, machineInfo, markdownTable, startCostMeter, summarise, textTable, type ProcessCost, type Summary } from './stats.ts';

/** Engine, the runner alone, and the two bare undici baselines. */
export type HttpSide = 'engine' | 'runner' | 'fetch' | 'request';

/** What one variant reports. */
export interface HttpBenchResult {
  side: HttpSide;
  runs: number;
  parallelism: number;
  wallSeconds: number;
  runsPerSecond: number;
  /** Each call from start (trigger) to end, ms. */
  perRun: Summary;
  failures: number;
  cost: ProcessCost;
}

/** Everything the case measured. */
export interface HttpCase {
  rounds: number;
  all: HttpBenchResult[];
  best: Record<HttpSide, HttpBenchResult>;
}

const RUNS = 5000;
const WARM_UP = 100;
const PARALLELISM = 10;
const SIDES: HttpSide[] = ['engine', 'runner', 'fetch', 'request'];
const LABELS: Record<HttpSide, string> = {
  engine: 'engine (schedule runs)',
  runner: 'HTTP runner alone (no engine)',
  fetch: 'bare undici fetch',
  request: 'bare undici request',
};
const BODY = JSON.stringify({ status: 'ok', synced: 42 });

/** Runs `count` calls of `runOne`, at most `limit` at a time; returns each one's duration. */
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

/** One parallel schedule calling the API and checking its answer, as the engine side runs it. */
function scheduleFile(url: string): ScheduleFile {
  const file = validateScheduleFile({
    schedules: [{
      name: 'api',
      cron: '0 0 1 1 *',
      timezone: 'UTC',
      overlap: 'parallel',
      maxParallel: 1000,
      job: { type: 'http', url: `${url}/sync?date={CurrentDate}`, method: 'GET', expect: { jsonPath: '$.status', equals: 'ok' } },
    }],
  });
  if (!file.ok) throw new Error(file.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return file.value;
}

function httpJob(url: string): HttpJob {
  return scheduleFile(url).schedules[0]!.job as HttpJob;
}

/** What the engine hands the runner, minus the engine: output dropped, nothing logged or redacted. */
function benchContext(job: HttpJob): RunContext<HttpJob> {
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  return {
    run: { id: 'bench', scheduleId: 'bench', scheduleName: 'api' } as Run,
    job,
    values: { CurrentDate: '2026-05-04' },
    signal: new AbortController().signal,
    output: { stdout: sink(), stderr: sink() },
    logger: silentLogger,
    redact: (text) => text,
  };
}

/** The child: measures one side against the API at `url`. */
async function child(side: HttpSide, url: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-bench-http-'));
  const agent = new Agent();
  const runner = createHttpRunner();
  const engine = side === 'engine' ? createEngine({ dataDir, runners: [runner] }) : undefined;
  try {
    let runOne: () => Promise<boolean>;
    if (engine) {
      engine.store.settings.set('concurrency', PARALLELISM);
      engine.importFile(scheduleFile(url));
      await engine.start();
      const waiting = new Map<string, (run: Run) => void>();
      engine.events.on('run.finished', (run) => waiting.get(run.id)?.(run));
      runOne = async () => {
        const queued = engine.trigger('api');
        const ended = await new Promise<Run>((resolve) => waiting.set(queued.id, resolve));
        waiting.delete(queued.id);
        return ended.status === 'succeeded';
      };
    } else if (side === 'runner') {
      const job = httpJob(url);
      runOne = async () => (await runner.run(benchContext(job))).ok;
    } else if (side === 'fetch') {
      runOne = async () => {
        const response = await fetch(`${url}/sync?date=2026-05-04`, { dispatcher: agent });
        const body = (await response.json()) as { status?: string };
        return response.ok && body.status === 'ok';
      };
    } else {
      runOne = async () => {
        const response = await request(`${url}/sync?date=2026-05-04`, { dispatcher: agent });
        const body = (await response.body.json()) as { status?: string };
        return response.statusCode === 200 && body.status === 'ok';
      };
    }
    const warm = await pool(WARM_UP, PARALLELISM, runOne);
    if (warm.failures) throw new Error(`${warm.failures} of ${WARM_UP} warm-up calls failed`);
    const meter = startCostMeter();
    const began = performance.now();
    const { durations, failures } = await pool(RUNS, PARALLELISM, runOne);
    const wallSeconds = (performance.now() - began) / 1000;
    const cost = meter();
    progress(side, `${RUNS} calls, ${PARALLELISM} at a time: ${wallSeconds.toFixed(2)} s`);
    reportResult({ side, runs: RUNS, parallelism: PARALLELISM, wallSeconds, runsPerSecond: RUNS / wallSeconds, perRun: summarise(durations), failures, cost });
  } finally {
    await engine?.stop({ graceMs: 5000 });
    await runner.close();
    await agent.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Starts the loopback API: a small JSON answer on every path, keep-alive. */
async function startApi(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function rounds(): number {
  const raw = process.env.BENCH_HTTP_ROUNDS ?? '2';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected \`BENCH_HTTP_ROUNDS\` to be a whole number >= 1, got \`${raw}\``);
  return n;
}

/** Runs the case's children, every side in turn, round by round. */
export async function runHttpCase(): Promise<HttpCase> {
  const n = rounds();
  console.log(`\nHTTP case: ${RUNS} calls to a loopback API, ${PARALLELISM} at a time, engine against bare undici, best of ${n} round(s) (BENCH_HTTP_ROUNDS)`);
  const api = await startApi();
  const all: HttpBenchResult[] = [];
  try {
    for (let round = 1; round <= n; round += 1) {
      for (const side of SIDES) all.push(await runCase<HttpBenchResult>('http-bench.ts', ['child', side, api.url]));
    }
  } finally {
    await api.close();
  }
  const bestOf = (side: HttpSide) => all.filter((r) => r.side === side).reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
  return { rounds: n, all, best: Object.fromEntries(SIDES.map((side) => [side, bestOf(side)])) as HttpCase['best'] };
}

const HEADER = ['variant', 'runs', 'failures', 'runs/s', 'per-run p50 ms', 'p99 ms', 'engine time ÷ this', 'CPU s', 'peak RSS MiB'];

function rows(c: HttpCase): string[][] {
  return SIDES.map((side) => {
    const r = c.best[side];
    return [
      LABELS[side],
      String(r.runs),
      String(r.failures),
      fmt(r.runsPerSecond, 0),
      fmt(r.perRun.p50, 2),
      fmt(r.perRun.p99, 2),
      fmt(c.best.engine.wallSeconds / r.wallSeconds, 2),
      fmt(r.cost.cpuSeconds, 1),
      fmt(r.cost.peakRssMiB, 0),
    ];
  });
}

/** The case as a plain-text table. */
export function printHttpCase(c: HttpCase): void {
  console.log(textTable(HEADER, rows(c)));
}

/** The case as a markdown table, for the README. */
export function httpMarkdown(c: HttpCase): string {
  return markdownTable(HEADER, rows(c));
}

/** The aim, checked against the figures (printed, never enforced). */
export function httpAims(c: HttpCase): string[] {
  const within = (side: HttpSide) => {
    const ratio = c.best[side].wallSeconds / c.best.fetch.wallSeconds;
    return `${LABELS[side]} within 1.5x of bare fetch: ${ratio.toFixed(2)}x — ${ratio <= 1.5 ? 'met' : 'not met'}`;
  };
  return [within('engine'), within('runner')];
}

const direct = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (direct && process.argv[2] === 'child') {
  const side = process.argv[3] as HttpSide;
  if (!SIDES.includes(side)) throw new Error(`Expected the side argument to be one of ${SIDES.join(', ')}, got \`${side}\``);
  await child(side, process.argv[4] ?? '');
} else if (direct) {
  console.log(Object.entries(machineInfo()).map(([k, v]) => `${k}: ${v}`).join(' | '));
  const c = await runHttpCase();
  printHttpCase(c);
  console.log('\n' + httpMarkdown(c) + '\n');
  for (const aim of httpAims(c)) console.log(`- ${aim}`);
}
