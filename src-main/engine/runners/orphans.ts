/**
 * After a crash, a job the dead engine started may still be running (its process group outlived
 * the engine). Before the run's retry can start, the next engine ends that tree — but only when
 * the pid still belongs to the job: the process must have started within a minute of the run,
 * so a pid the OS has since given to another program is left alone.
 *
 * The process the engine started (the leader) may have exited while processes it started live
 * on: a script that put its worker in the background, or a leader killed by SIGPIPE when the
 * dead engine's end of its output pipe closed. Linux: the runner spawns every job detached, so
 * the leader's pid is its process group's id and the worker stays in that group; the group is
 * probed (`kill(-pid, 0)`) and, if its members all started while the run was alive (between its
 * start and one heartbeat after its last, read from /proc), ended like a timed-out run's tree.
 * A group whose id was reused (the pids wrapped around, the machine restarted, a container got a
 * new pid namespace) has members started later, and is left alone. Other POSIX systems are not
 * checked (the product runs on Windows and Linux).
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
import { readdirSync, readFileSync } from 'node:fs';
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
export async function endOrphanedRuns(running: readonly Run[], host: string, logger: Logger, heartbeatMs = 30_000): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  for (const run of running) {
    if (!run.pid || run.host !== host || run.startedAt === null) continue;
    // The engine was last known alive one heartbeat after the run's last one.
    const lastSeenAt = (run.heartbeatAt ?? run.startedAt) + heartbeatMs;
    const outcome = await endOrphanedJob(run.pid, run.startedAt, process.platform, lastSeenAt);
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
 * that process has exited, what is left of its process group (Linux) when every member started
 * while the run was alive (by `lastSeenAt`, when its engine was last known to run).
 */
export async function endOrphanedJob(
  pid: number,
  startedAt: number,
  platform: NodeJS.Platform = process.platform,
  lastSeenAt = Date.now(),
): Promise<OrphanOutcome> {
  if (!alive(pid)) return (await endLeaderlessGroup(pid, startedAt, lastSeenAt, platform)) ? 'group-ended' : 'gone';
  const processStart = await processStartedAt(pid, platform);
  if (processStart === undefined || processStart < startedAt - 2000 || processStart > startedAt + SAME_PROCESS_WINDOW_MS) {
    return 'not-ours';
  }
  await killProcessTree(pid, platform, 2000);
  return 'ended';
}

/**
 * Ends the members left in group `pid` after its leader exited; false when there are none, or when
 * one of them started outside the run's life (the group id was reused after the pids wrapped
 * around, or the machine restarted): that group is another program's.
 */
async function endLeaderlessGroup(pid: number, startedAt: number, lastSeenAt: number, platform: NodeJS.Platform): Promise<boolean> {
  if (platform !== 'linux' || !groupAlive(pid)) return false;
  const starts = linuxGroupStarts(pid);
  if (starts.length === 0 || starts.some((start) => start < startedAt - 2000 || start > lastSeenAt)) return false;
  await killProcessTree(pid, platform, 2000);
  return true;
}

/** When each live member of process group `pgid` started (epoch ms), from /proc. */
function linuxGroupStarts(pgid: number): number[] {
  const starts: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    // After the ")" ending field 2: field 3 (state) is [0], field 5 (pgrp) is [2].
    if (stat && Number(stat.fields[2]) === pgid) starts.push(stat.startedAt);
  }
  return starts;
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
  return readStat(pid)?.startedAt;
}

/** /proc/<pid>/stat's fields from field 3 on, and the process start (epoch ms); undefined if gone. */
function readStat(pid: number): { fields: string[]; startedAt: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) counts from after the ")" ending field 2;
    // user-space ticks are USER_HZ, 100 on every Linux ABI.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const boot = bootTime();
    return Number.isFinite(ticks) && Number.isFinite(boot) ? { fields, startedAt: boot * 1000 + (ticks * 1000) / 100 } : undefined;
  } catch {
    return undefined;
  }
}

function bootTime(): number {
  return Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
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
