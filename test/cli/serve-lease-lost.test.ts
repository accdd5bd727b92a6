/**
 * `serve` frozen (SIGSTOP: a paused VM, a debugger) past the lease's stale threshold while
 * another engine takes the data folder: resumed, it exits non-zero saying so, instead of serving
 * beside the new owner (a service manager restarts it; started again it refuses while B serves).
 */
import { describe, expect, it } from 'vitest';
import { LEASE_STALE_MS } from '../../src-main/engine/store/lease.ts';
import { makeEngine, onCleanup } from '../helpers/engine-harness.ts';
import { dataFolder, startServe } from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function resume(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // It has exited.
  }
}

describe('batchlight serve after another engine took its data folder', { timeout: 90_000 }, () => {
  it('exits non-zero with a message naming the engine that holds the lease now', async () => {
    const dir = dataFolder();
    const server = await startServe(dir);
    process.kill(server.pid, 'SIGSTOP');
    onCleanup(() => resume(server.pid));
    await sleep(LEASE_STALE_MS + 1_000);
    const owner = makeEngine({ dataDir: dir, host: 'engine-b-host' });
    await owner.start();

    resume(server.pid);
    const exit = await Promise.race([server.exited, sleep(15_000).then(() => 'still serving' as const)]);

    expect(exit, server.output()).toEqual({ code: 1, signal: undefined });
    expect(server.output()).toMatch(
      new RegExp(`batchlight serve: This engine no longer holds the data folder lease: the engine with pid ${process.pid} on engine-b-host`),
    );
    expect(owner.state().serving).toBe(true);
  });
});
