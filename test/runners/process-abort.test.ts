import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { RunCancelledError, RunTimeoutError } from '../../src-main/engine/errors.ts';
import { createProcessRunner } from '../../src-main/engine/runners/process-runner.ts';
import { nodeJob, runContext } from '../fixtures/processes/run-context.ts';
import { isDead, parentScript, readPids, waitForDeath } from '../fixtures/processes/tree.ts';
import { tempDir } from '../helpers/temp-dir.ts';

let dir: string;
let pidFile: string;
const leftovers: number[] = [];

beforeEach(() => {
  dir = tempDir('batchlight-abort-');
  pidFile = path.join(dir, 'pids.json');
});

afterEach(() => {
  for (const pid of leftovers.splice(0)) if (!isDead(pid)) process.kill(pid, 'SIGKILL');
});

/** Starts the tree, waits for its pids, aborts with `reason`, and returns the run's settlement. */
async function abortTree(script: string, reason: Error, killGraceMs = 5000) {
  const controller = new AbortController();
  const ctx = runContext(nodeJob(script, [pidFile]), { signal: controller.signal });
  const running = createProcessRunner({ allowedExecutables: () => [], killGraceMs }).run(ctx);
  const settled = running.then(
    (outcome) => ({ outcome, error: undefined }),
    (error: unknown) => ({ outcome: undefined, error }),
  );
  const pids = await readPids(pidFile);
  leftovers.push(pids.child, pids.grandchild);
  controller.abort(reason);
  return { ...(await settled), pids, ctx };
}

describe('process runner: abort ends the whole tree', () => {
  it('a timeout kills the child and its grandchild and rejects with the timeout', async () => {
    const reason = new RunTimeoutError(1);
    const { error, pids, ctx } = await abortTree(parentScript(), reason);
    expect(error).toBe(reason);
    expect(ctx.pids).toEqual([pids.child]);
    expect(await waitForDeath([pids.child, pids.grandchild])).toEqual([]);
  });

  it('a cancel rejects with the cancellation, so the run ends as cancelled', async () => {
    const reason = new RunCancelledError('alice');
    const { error, pids } = await abortTree(parentScript(), reason);
    expect(error).toBe(reason);
    expect(await waitForDeath([pids.child, pids.grandchild])).toEqual([]);
  });

  it('a tree that ignores SIGTERM is killed after the grace period', async () => {
    const { error, pids } = await abortTree(parentScript({ ignoreSigterm: true }), new RunTimeoutError(1), 300);
    expect(error).toBeInstanceOf(RunTimeoutError);
    expect(await waitForDeath([pids.child, pids.grandchild])).toEqual([]);
  });

  it('the run still ends when a process that left the tree keeps the output pipe open', async () => {
    const script = parentScript({ grandchildDetached: true, grandchildHoldsOutput: true });
    const { error, pids } = await abortTree(script, new RunTimeoutError(1), 300);
    expect(error).toBeInstanceOf(RunTimeoutError);
    expect(await waitForDeath([pids.child])).toEqual([]);
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    const reason = new RunCancelledError('shutdown');
    controller.abort(reason);
    const ctx = runContext(nodeJob(''), { signal: controller.signal });
    await expect(createProcessRunner({ allowedExecutables: () => [] }).run(ctx)).rejects.toBe(reason);
    expect(ctx.pids).toEqual([]);
  });
});
