/**
 * Ending a job's whole process tree, not just the process the engine started: a batch file's
 * robocopy or a script's children must not outlive a timeout, a cancel, or the engine itself.
 *
 * POSIX: the runner spawns every job `detached`, so the child leads a new process group whose
 * id is its pid, and its descendants stay in that group unless they leave it on purpose
 * (setsid, daemons). Signalling `-pid` reaches the whole group.
 * Windows: `taskkill /PID <pid> /T /F`; /T ends the process and every process it started
 * (walking parent ids), /F forces it (console programs ignore a polite close request).
 */
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { environmentValue } from './process-command.ts';

const POLL_MS = 50;

/**
 * Ends the tree rooted at `pid` and resolves once it is gone. POSIX: SIGTERM to the group, then
 * SIGKILL if any member is still there after `graceMs` (a member that exited but was not yet
 * reaped counts as there, so the wait is bounded by `graceMs` rather than certain). `pid` must
 * lead its own process group there, which the process runner guarantees.
 */
export async function killProcessTree(pid: number, platform: NodeJS.Platform = process.platform, graceMs = 5000): Promise<void> {
  if (platform === 'win32') {
    await new Promise<void>((resolve) => {
      // Exit code 128 means "no such process": the tree already ended, which is the goal.
      execFile(taskkillPath(), taskkillArgs(pid), { windowsHide: true }, () => resolve());
    });
    return;
  }
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await delay(POLL_MS);
    if (!signalGroup(pid, 0)) return;
  }
  signalGroup(pid, 'SIGKILL');
}

const exitTracked = new Map<number, NodeJS.Platform>();
let exitHookInstalled = false;

/**
 * Makes sure the tree rooted at `pid` does not outlive the engine: when this process exits, every
 * tree still tracked is killed outright (there is no time for a grace period then). execa's own
 * `cleanup` cannot do this for a detached child, and on Windows it only ends the direct child.
 * Returns the function that stops tracking, to call once the run is over.
 */
export function killProcessTreeOnExit(pid: number, platform: NodeJS.Platform = process.platform): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killTrackedTrees);
  }
  exitTracked.set(pid, platform);
  return () => {
    exitTracked.delete(pid);
  };
}

// Runs inside process 'exit': only synchronous work happens here.
function killTrackedTrees(): void {
  for (const [pid, platform] of exitTracked) {
    if (platform === 'win32') spawnSync(taskkillPath(), taskkillArgs(pid), { windowsHide: true });
    else signalGroup(pid, 'SIGKILL');
  }
  exitTracked.clear();
}

/**
 * Signals the process group `pid`; false when that is impossible: ESRCH (the group is gone) or
 * EPERM (its members changed user), where nothing more can be done either way.
 */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function taskkillArgs(pid: number): string[] {
  return ['/PID', String(pid), '/T', '/F'];
}

/** The full path, so a `taskkill.exe` in the working directory or on PATH is never run instead. */
function taskkillPath(): string {
  const root = environmentValue(process.env, 'SystemRoot', 'win32') ?? 'C:\\Windows';
  return path.win32.join(root, 'System32', 'taskkill.exe');
}
