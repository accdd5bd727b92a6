import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { endOrphanedJob, processStartedAt } from '../../src-main/engine/runners/orphans.ts';
import { isDead, onCleanup, waitFor } from '../helpers/engine-harness.ts';

function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  onCleanup(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  return child.pid!;
}

describe('ending a job a crashed engine left running', () => {
  it('reads a process start time close to when it was spawned', async () => {
    const before = Date.now();
    const pid = sleeper();
    const started = await processStartedAt(pid);
    expect(started).toBeGreaterThanOrEqual(before - 1000);
    expect(started).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('ends the process when it started with the run', async () => {
    const pid = sleeper();
    expect(await endOrphanedJob(pid, Date.now())).toBe('ended');
    await waitFor(() => isDead(pid), 10_000, 'the process to end');
  });

  it('leaves alone a process that started long after the run (the pid was reused)', async () => {
    const pid = sleeper();
    expect(await endOrphanedJob(pid, Date.now() - 3_600_000)).toBe('not-ours');
    expect(isDead(pid)).toBe(false);
  });

  it('reports a process that has already exited', async () => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await endOrphanedJob(child.pid!, Date.now())).toBe('gone');
  });
});
