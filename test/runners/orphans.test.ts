import { spawn } from 'node:child_process';
import os from 'node:os';
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

/** A process group whose leader has exited (and been reaped) while its member `sleep 60` lives on. */
async function leaderlessGroup() {
  const child = spawn('/bin/sh', ['-c', 'sleep 60 & echo $!; exit 0'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  onCleanup(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  const member = new Promise<number>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  await new Promise((resolve) => child.once('exit', resolve));
  child.stdout.destroy();
  return { pid: child.pid!, member: await member };
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

  it('ends what is left of the process group when the process itself has exited', async () => {
    const { pid, member } = await leaderlessGroup();
    expect(isDead(member)).toBe(false);
    expect(await endOrphanedJob(pid, Date.now())).toBe('group-ended');
    await waitFor(() => isDead(member), 10_000, 'the group member to end');
  });

  it('leaves alone a group whose members started after the run was last seen alive (its id was reused)', async () => {
    const { pid, member } = await leaderlessGroup();
    const runStarted = Date.now() - 600_000;
    const lastSeen = Date.now() - 300_000;
    expect(await endOrphanedJob(pid, runStarted, process.platform, lastSeen)).toBe('gone');
    expect(isDead(member)).toBe(false);
  });

  it('leaves alone a group holding the pid of a run from before the machine started', async () => {
    const { pid, member } = await leaderlessGroup();
    const beforeBoot = Date.now() - os.uptime() * 1000 - 60_000;
    expect(await endOrphanedJob(pid, beforeBoot, process.platform, beforeBoot + 30_000)).toBe('gone');
    expect(isDead(member)).toBe(false);
  });

  it('reports a process that has already exited', async () => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await endOrphanedJob(child.pid!, Date.now())).toBe('gone');
  });
});
