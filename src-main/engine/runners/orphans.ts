/**
 * After a crash, a job the dead engine started may still be running (its process group outlived
 * the engine). Before the run's retry can start, the next engine ends that tree — but only when
 * the pid still belongs to the job: the process must have started within a minute of the run,
 * so a pid the OS has since given to another program is left alone.
 *
 * The process the engine started (the leader) may have exited while processes it started live
 * on: a script that put its worker in the background, or a leader killed by SIGPIPE when the
 * dead engine's end of its output pipe closed. POSIX: the runner spawns every job detached, so
 * the leader's pid is its process group's id and the worker stays in that group; the group is
 * probed (`kill(-pid, 0)`) and, if any member lives, ended like a timed-out run's tree. While a
 * member lives the group keeps its id and the kernel gives that id to no new process, so a live
 * group `pid` is the job's, unless the job's whole group ended, a later process got the pid, led
 * a group of its own and exited leaving members behind (a daemon's double fork). That needs the
 * pids to wrap around, or a restart of the machine; the latter is checked (nothing of a run
 * survives a boot that came after it started).
 * Windows has no group to probe: the runner does not spawn detached there, and `taskkill /T`
 * walks parent process ids from a living process, so children whose parent (the leader) has
 * exited cannot be found from the pid. Ending them would need the job started inside a Job
 * Object, which the runner does not do: on Windows such children may run beside the retry.
 *
 * Start times: Linux reads /proc (boot time + start ticks); Windows asks PowerShell for
 * Get-Process StartTime (documented on Microsoft Learn: System.Diagnostics.Process.StartTime),
 * checked here only through its command line; macOS and others use `ps -o lstart=`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { Run } from '../types.ts';
import { killProcessTree } from './process-tree.ts';

/** How far a job's process start may lie from its run's start for the pid to count as the job's. */
const SAME_PROCESS_WINDOW_MS = 60_000;

/** What became of a crashed run's process. */
export type OrphanOutcome = 'ended' | 'group-ended' | 'gone' | 'not-ours';

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
    if (outcome === 'group-ended') logger.warn(`Ended the processes left in process group ${run.pid} by a crash`, { runId: run.id });
    notes.set(run.id, {
      ended: `; its process ${run.pid} was still running and has been ended`,
      'group-ended': `; its process ${run.pid} had exited, but processes it started (process group ${run.pid}) were still running and have been ended`,
      gone: `; its process ${run.pid} had already exited`,
      'not-ours': `; process ${run.pid} now belongs to another program and was left alone`,
    }[outcome]);
  }
  return notes;
}

/**
 * Ends the tree of `pid` if it is still the process the run started at `startedAt`, or, once
 * that process has exited, what is left of its process group (POSIX).
 */
export async function endOrphanedJob(pid: number, startedAt: number, platform: NodeJS.Platform = process.platform): Promise<OrphanOutcome> {
  if (!alive(pid)) return (await endLeaderlessGroup(pid, startedAt, platform)) ? 'group-ended' : 'gone';
  const processStart = await processStartedAt(pid, platform);
  if (processStart === undefined || processStart < startedAt - 2000 || processStart > startedAt + SAME_PROCESS_WINDOW_MS) {
    return 'not-ours';
  }
  await killProcessTree(pid, platform, 2000);
  return 'ended';
}

/** Ends the members left in group `pid` after its leader exited; false when there are none to end. */
async function endLeaderlessGroup(pid: number, startedAt: number, platform: NodeJS.Platform): Promise<boolean> {
  if (platform === 'win32' || !groupAlive(pid)) return false;
  if (Date.now() - os.uptime() * 1000 > startedAt) return false;
  await killProcessTree(pid, platform, 2000);
  return true;
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

/** EPERM (the members changed user) counts as gone: such a group could not be signalled anyway. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
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
