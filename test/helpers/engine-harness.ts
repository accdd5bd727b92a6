/**
 * Shared set-up for engine tests: temp data folders removed afterwards, schedules built through
 * the real validator, engines stopped after each test, and polling waits (no fixed sleeps).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { validateSchedule } from '../../src-main/engine/config/validate.ts';
import { createEngine, type Engine, type EngineOptions } from '../../src-main/engine/engine.ts';
import type { ScheduleSpec } from '../../src-main/engine/types.ts';
import { onCleanup, tempDir } from './temp-dir.ts';

export { onCleanup, tempDir };

/** An engine on `dataDir` (a new temp folder by default), stopped after the test. */
export function makeEngine(options: EngineOptions = {}): Engine {
  const engine = createEngine({ dataDir: options.dataDir ?? tempDir(), ...options });
  onCleanup(() => engine.stop({ graceMs: 0 }).catch(() => {}));
  return engine;
}

/** A schedule spec normalised by the real validator; throws with its problems if invalid. */
export function scheduleSpec(input: Record<string, unknown>): ScheduleSpec {
  const result = validateSchedule({ cron: '0 0 1 1 *', timezone: 'UTC', ...input });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return result.value;
}

/** A process job running `node -e script args...`. */
export function nodeJob(script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'process', executablePath: process.execPath, arguments: ['-e', script], ...extra };
}

/** Polls `probe` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until run `id` has a terminal status and returns it. */
export function waitForEnd(engine: Engine, id: string, timeoutMs = 15_000) {
  return waitFor(() => {
    const run = engine.getRun(id);
    return run.status !== 'queued' && run.status !== 'running' ? run : undefined;
  }, timeoutMs, `run ${id} to end`);
}

/** True when no process with this pid exists (or it is a zombie waiting to be reaped). */
export function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * Starts test/fixtures/engine/crashing-host.ts on `dataDir`: an engine in a child process that
 * runs schedule `name` and prints the run's id and job pid once the job runs, for the test to
 * kill with SIGKILL. The host and the job's process group are killed after the test.
 */
export async function startCrashingHost(dataDir: string, name: string): Promise<{ host: ChildProcess; runId: string; pid: number }> {
  const host = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/fixtures/engine/crashing-host.ts'), dataDir, name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(() => void host.kill('SIGKILL'));
  const line = await new Promise<string>((resolve, reject) => {
    host.stdout!.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    host.on('exit', (code) => reject(new Error(`host exited early with ${code}`)));
  });
  const { runId, pid } = JSON.parse(line) as { runId: string; pid: number };
  onCleanup(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  return { host, runId, pid };
}
