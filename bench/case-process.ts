/**
 * Every benchmark case runs in a child process of its own, so that peak memory and CPU time
 * belong to that case alone. The parent spawns `node --import tsx bench/<case>.ts`, the child
 * writes its figures as JSON to the file named by BENCH_RESULT_FILE, and the parent reads it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULT_FILE_ENV = 'BENCH_RESULT_FILE';

/** The repository root, where `--import tsx` resolves and the cases' relative paths start. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The measured duration of the scheduler case, seconds (env BENCH_SECONDS, default 30). */
export function benchSeconds(): number {
  const raw = process.env.BENCH_SECONDS ?? '30';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`Expected \`BENCH_SECONDS\` to be a whole number of seconds >= 1, got \`${raw}\``);
  }
  return seconds;
}

/**
 * Runs `bench/<file>` with `args` in a child process and resolves with the JSON it reported.
 * Extra node flags for every child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the
 * cases) come from env BENCH_NODE_FLAGS, separated by spaces.
 */
export async function runCase<T>(file: string, args: string[] = []): Promise<T> {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-bench-case-')), 'result.json');
  const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const argv = [...nodeFlags, '--import', 'tsx', path.join('bench', file), ...args];
  const child = spawn(process.execPath, argv, {
    cwd: repoRoot,
    env: { ...process.env, [RESULT_FILE_ENV]: resultFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  try {
    if (code !== 0) throw new Error(`Benchmark case ${file} ${args.join(' ')} exited with code ${code}`);
    return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as T;
  } finally {
    fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  }
}

/** Called by a case child: hands its figures to the parent. */
export function reportResult(result: unknown): void {
  const file = process.env[RESULT_FILE_ENV];
  if (!file) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  fs.writeFileSync(file, JSON.stringify(result));
}

/** Logs a progress line from a child, prefixed so interleaved output stays readable. */
export function progress(label: string, message: string): void {
  process.stderr.write(`  [${label}] ${message}\n`);
}

/** Resolves at wall-clock instant `epochMs` (never early). */
export async function sleepUntil(epochMs: number): Promise<void> {
  for (;;) {
    const left = epochMs - Date.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, left));
  }
}

/**
 * The next wall-clock instant half-way between two whole seconds that is at least `leadMs`
 * away. A window opening and closing on half seconds holds exactly one every-second occurrence
 * per whole second, and the last one has half a second to be recorded before the window shuts.
 */
export function nextHalfSecond(leadMs: number): number {
  const earliest = Date.now() + leadMs;
  const half = Math.floor(earliest / 1000) * 1000 + 500;
  return half >= earliest ? half : half + 1000;
}
