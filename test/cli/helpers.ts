/**
 * End-to-end helpers for the `batchlight` command: run the real `node bin/batchlight.mjs` with an
 * argument array, write schedule files, start `serve` as a child process (always killed after
 * the test, its jobs' process groups too), seed or watch the store directly where the CLI is not
 * the subject (every CLI start costs about a second of TypeScript loading), and poll.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { execa, type ResultPromise } from 'execa';
import { parseScheduleFileText } from '../../src-main/engine/config/validate.ts';
import { createEngine, type Engine } from '../../src-main/engine/engine.ts';
import { makeEngine, onCleanup, tempDir } from '../helpers/engine-harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The real entry point, as `npm i -g` would run it. */
export const BIN = path.join(ROOT, 'bin', 'batchlight.mjs');
/** Static schedule files for validate and import tests. */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');

/** What one CLI invocation left behind. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A run as `runs --json` / `show --json` / `trigger --json` print it (the documented fields). */
export interface RunJson {
  id: string;
  schedule: string;
  attempt: number;
  trigger: string;
  status: string;
  scheduledFor: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  error: string | null;
  reason: string | null;
  lateMs: number | null;
}

/** A schedule as `list --json` prints it. */
export interface ScheduleJson {
  name: string;
  cron: string;
  paused: boolean;
  nextRunAt: string | null;
  lastStatus: string | null;
}

/** Runs `batchlight ...args` to its end, with `input` on standard input if given; never throws on a non-zero exit. */
export async function cli(args: string[], timeoutMs = 20_000, input?: string): Promise<CliResult> {
  const stdin = input === undefined ? { stdin: 'ignore' as const } : { input };
  const result = await execa(process.execPath, [BIN, ...args], { cwd: ROOT, reject: false, timeout: timeoutMs, ...stdin });
  if (result.timedOut) throw new Error(`batchlight ${args.join(' ')} did not finish within ${timeoutMs} ms\n${result.stderr}`);
  return { code: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `batchlight ...args` without waiting; killed after the test if still running. */
export function spawnCli(args: string[]): { pid: number; result: Promise<CliResult> } {
  const child = execa(process.execPath, [BIN, ...args], { cwd: ROOT, reject: false, stdin: 'ignore' });
  let alive = true;
  const result = child.then((r) => {
    alive = false;
    return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
  });
  onCleanup(async () => {
    if (alive) child.kill('SIGKILL');
    await result;
  });
  return { pid: child.pid!, result };
}

/** Runs a command that must succeed and parses its JSON output. */
export async function cliJson<T>(args: string[]): Promise<T> {
  const result = await cli(args);
  if (result.code !== 0) throw new Error(`batchlight ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** `runs --json` with extra filters, on `dataDir`. */
export function runsJson(dataDir: string, ...filters: string[]): Promise<RunJson[]> {
  return cliJson<RunJson[]>(['runs', '--json', '--data', dataDir, ...filters]);
}

/** A new empty data folder, removed after the test. */
export function dataFolder(): string {
  return tempDir('batchlight-cli-');
}

/** Writes a schedule file (an object) as JSON and returns its path. */
export function writeScheduleFile(dir: string, content: unknown, name = 'schedules.json'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

/** Imports a schedule file straight into the store, for tests whose subject is not `import`. */
export async function seed(dataDir: string, content: unknown): Promise<void> {
  const parsed = parseScheduleFileText(JSON.stringify(content));
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const engine = createEngine({ dataDir });
  try {
    engine.importFile(parsed.value);
  } finally {
    await engine.stop();
  }
}

/**
 * A not-started engine on the folder, to poll the store cheaply while `serve` or the CLI works,
 * and to check what the CLI cannot show (stored secrets). Closed after the test.
 */
export function storeView(dataDir: string): Engine {
  return makeEngine({ dataDir });
}

/** A schedule running `node -e script args...`; its cron does not fire during a test unless given. */
export function nodeSchedule(name: string, script: string, extra: Record<string, unknown> = {}, args: string[] = []): Record<string, unknown> {
  return {
    name,
    cron: '0 0 1 1 *',
    timezone: 'UTC',
    job: { type: 'process', executablePath: process.execPath, arguments: ['-e', script, ...args] },
    ...extra,
  };
}

/**
 * A job that writes `{ pid, ppid, grandchild }` to the file given as its first argument, then
 * waits (bounded, so a leaked one ends by itself). It starts a grandchild in its process group.
 * Given `quick` as its second argument it exits 0 at once instead.
 */
export const LONG_JOB_SCRIPT = [
  "if (process.argv[2] === 'quick') process.exit(0);",
  "const { spawn } = require('child_process');",
  "const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });",
  "require('fs').writeFileSync(process.argv[1], JSON.stringify({ pid: process.pid, ppid: process.ppid, grandchild: g.pid }));",
  'setTimeout(() => {}, 60000);',
].join('\n');

/** The pids a LONG_JOB_SCRIPT wrote, once it has written them. */
export function readJobPids(file: string): { pid: number; ppid: number; grandchild: number } | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text ? (JSON.parse(text) as { pid: number; ppid: number; grandchild: number }) : undefined;
  } catch {
    return undefined;
  }
}

/** A `batchlight serve` child process. */
export interface ServeProcess {
  pid: number;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves when it exits. */
  exited: Promise<{ code: number | undefined; signal: string | undefined }>;
}

/**
 * Starts `batchlight serve --data dataDir` and resolves once it says it is serving. After the
 * test it is killed (SIGKILL) if still alive, and so is every job process group it left running.
 */
export async function startServe(dataDir: string, timeoutMs = 20_000): Promise<ServeProcess> {
  const child: ResultPromise = execa(process.execPath, [BIN, 'serve', '--data', dataDir], {
    cwd: ROOT,
    reject: false,
    all: true,
    stdin: 'ignore',
    buffer: false,
  });
  let text = '';
  child.all?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const exited = child.then((r) => ({ code: r.exitCode, signal: r.signal }));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  onCleanup(async () => {
    if (alive) child.kill('SIGKILL');
    await exited;
    killLeftoverJobs(dataDir);
  });
  const until = Date.now() + timeoutMs;
  while (!/is serving/.test(text)) {
    if (!alive) throw new Error(`serve exited before serving:\n${text}`);
    if (Date.now() > until) throw new Error(`serve did not start within ${timeoutMs} ms:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { pid: child.pid!, output: () => text, exited };
}

/** Ends a job's whole process group (a job the test left behind on purpose or by failing). */
export function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** Kills the process group of every run the store still shows as running (after a failed test). */
function killLeftoverJobs(dataDir: string): void {
  const file = path.join(dataDir, 'batchlight.db');
  if (!fs.existsSync(file)) return;
  const db = new Database(file);
  try {
    const rows = db.prepare<[], { pid: number }>("SELECT pid FROM runs WHERE status = 'running' AND pid IS NOT NULL").all();
    for (const { pid } of rows) killProcessGroup(pid);
  } finally {
    db.close();
  }
}

/** Matches an ISO-8601 UTC instant as `Date.toISOString()` writes it. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The field names the issue documents for a run object. */
export const RUN_FIELDS = [
  'id',
  'schedule',
  'attempt',
  'trigger',
  'status',
  'scheduledFor',
  'startedAt',
  'finishedAt',
  'exitCode',
  'error',
  'reason',
  'lateMs',
] as const;
