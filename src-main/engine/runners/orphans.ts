/**
 * After a crash, a job the dead engine started may still be running (its process group outlived
 * the engine). Before the run's retry can start, the next engine ends that tree — but only when
 * the pid still belongs to the job: the process must have started within a minute of the run,
 * so a pid the OS has since given to another program is left alone.
 *
 * Start times: Linux reads /proc (boot time + start ticks); Windows asks PowerShell for
 * Get-Process StartTime (documented on Microsoft Learn: System.Diagnostics.Process.StartTime),
 * checked here only through its command line; macOS and others use `ps -o lstart=`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { Run } from '../types.ts';
import { killProcessTree } from './process-tree.ts';

/** How far a job's process start may lie from its run's start for the pid to count as the job's. */
const SAME_PROCESS_WINDOW_MS = 60_000;

/** What became of a crashed run's process. */
export type OrphanOutcome = 'ended' | 'gone' | 'not-ours';

/**
 * Ends the process trees that a crashed engine on `host` left running for `running` runs, before
 * their retries can start. Returns, per run id, what became of its process, for the run's error.
 */
export async function endOrphanedRuns(running: readonly Run[], host: string, logger: Logger): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  for (const run of running) {
    if (!run.pid || run.host !== host || run.startedAt === null) continue;
    const outcome = await endOrphanedJob(run.pid, run.startedAt);
    if (outcome === 'ended') logger.warn(`Ended process ${run.pid}, left running by a crash`, { runId: run.id });
    notes.set(run.id, {
      ended: `; its process ${run.pid} was still running and has been ended`,
      gone: `; its process ${run.pid} had already exited`,
      'not-ours': `; process ${run.pid} now belongs to another program and was left alone`,
    }[outcome]);
  }
  return notes;
}

/** Ends the tree of `pid` if it is still the process the run started at `startedAt`. */
export async function endOrphanedJob(pid: number, startedAt: number, platform: NodeJS.Platform = process.platform): Promise<OrphanOutcome> {
  if (!alive(pid)) return 'gone';
  const processStart = await processStartedAt(pid, platform);
  if (processStart === undefined || processStart < startedAt - 2000 || processStart > startedAt + SAME_PROCESS_WINDOW_MS) {
    return 'not-ours';
  }
  await killProcessTree(pid, platform, 2000);
  return 'ended';
}

/** When process `pid` started (epoch ms), or undefined if that cannot be told. */
export async function processStartedAt(pid: number, platform: NodeJS.Platform = process.platform): Promise<number | undefined> {
  if (platform === 'linux') return linuxStart(pid);
  if (platform === 'win32') {
    const powershell = path.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
    const text = await run(powershell, ['-NoProfile', '-NonInteractive', '-Command', `(Get-Process -Id ${pid}).StartTime.ToUniversalTime().ToString('o')`]);
    return parse(text);
  }
  return parse(await run('ps', ['-o', 'lstart=', '-p', String(pid)]));
}

function linuxStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) counts from after the ")" ending field 2;
    // user-space ticks are USER_HZ, 100 on every Linux ABI.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + (ticks * 1000) / 100 : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 10_000 }, (error, stdout) => resolve(error ? '' : stdout.trim()));
  });
}

function parse(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
