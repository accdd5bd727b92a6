import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { killProcessTree } from '../../src-main/engine/runners/process-tree.ts';
import { isDead, parentScript, readPids, waitForDeath } from '../fixtures/processes/tree.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const exitHost = fileURLToPath(new URL('../fixtures/processes/exit-host.ts', import.meta.url));
let pidFile: string;
const leftovers: number[] = [];

beforeEach(() => {
  pidFile = path.join(tempDir('batchlight-tree-'), 'pids.json');
});

afterEach(() => {
  for (const pid of leftovers.splice(0)) if (!isDead(pid)) process.kill(pid, 'SIGKILL');
});

describe('killProcessTree', () => {
  it('ends a detached child and the grandchild it started', async () => {
    const child = spawn(process.execPath, ['-e', parentScript(), pidFile], { detached: true, stdio: 'ignore' });
    const pids = await readPids(pidFile);
    leftovers.push(pids.child, pids.grandchild);
    expect(pids.child).toBe(child.pid);
    await killProcessTree(pids.child, process.platform, 300);
    expect(await waitForDeath([pids.child, pids.grandchild])).toEqual([]);
  });

  it('resolves quietly for a tree that has already ended', async () => {
    const child = spawn(process.execPath, ['-e', ''], { detached: true, stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    await expect(killProcessTree(child.pid!, process.platform, 300)).resolves.toBeUndefined();
  });
});

describe('process runner: engine exit', () => {
  it('leaves no process of a running job behind when the engine process exits', async () => {
    execFileSync(process.execPath, ['--import', 'tsx', exitHost, pidFile], { stdio: 'ignore', timeout: 20_000 });
    const pids = await readPids(pidFile);
    leftovers.push(pids.child, pids.grandchild);
    expect(await waitForDeath([pids.child, pids.grandchild])).toEqual([]);
  });
});
