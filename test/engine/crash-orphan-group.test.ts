import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src-main/engine/engine.ts';
import { isDead, makeEngine, scheduleSpec, startCrashingHost, tempDir, waitFor, waitForEnd } from '../helpers/engine-harness.ts';

/**
 * First run: puts a worker (`sleep 60`) in the background, in its own process group, and exits at
 * once; the worker holds the output pipe, so the run stays running. The retry writes down whether
 * that worker was still alive when it started (a zombie counts as ended: it is only not reaped).
 */
const SCRIPT = `
if [ -f "$1/worker.pid" ]; then
  stat=/proc/$(cat "$1/worker.pid")/stat
  if [ -r "$stat" ] && ! grep -q ') Z' "$stat"; then echo alive > "$1/seen"; else echo ended > "$1/seen"; fi
  exit 0
fi
sleep 60 &
echo $! > "$1/worker.pid"
exit 0
`;

const retryOnce = { maxRetries: 1, delaySeconds: 0, multiplier: 1, jitter: 0, maxDelaySeconds: 0 };

describe('crash recovery: what a job left running is ended before its retry', () => {
  it('a worker that outlived its job\'s exited process is ended before the retry starts, and the run says so', async () => {
    const dataDir = tempDir();
    const work = tempDir();
    const setup = createEngine({ dataDir });
    setup.saveSchedule(scheduleSpec({
      name: 'leaves-worker',
      job: { type: 'process', executablePath: '/bin/sh', arguments: ['-c', SCRIPT, 'sh', work] },
      retry: retryOnce,
    }));
    await setup.stop();

    const { host, runId, pid } = await startCrashingHost(dataDir, 'leaves-worker');
    const workerPid = Number(await waitFor(() => fs.existsSync(path.join(work, 'worker.pid')) && fs.readFileSync(path.join(work, 'worker.pid'), 'utf8').trim(), 10_000, 'the worker to start'));
    // The job's own process is gone (exited and reaped by the engine) while its worker runs on in
    // its group; Linux only (/proc).
    await waitFor(() => !fs.existsSync(`/proc/${pid}`), 10_000, 'the job\'s process to exit and be reaped');
    host.kill('SIGKILL');
    await new Promise((resolve) => host.once('exit', resolve));
    expect(isDead(workerPid)).toBe(false);

    const engine = makeEngine({ dataDir });
    await engine.start();
    const interrupted = engine.getRun(runId);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toContain(`its process ${pid} had exited, but processes it started (process group ${pid}) were still running and have been ended`);
    const retry = await waitFor(() => engine.listRuns({ chainId: runId }).find((r) => r.attempt === 1));
    expect((await waitForEnd(engine, retry.id)).status).toBe('succeeded');
    expect(fs.readFileSync(path.join(work, 'seen'), 'utf8').trim()).toBe('ended');
  });
});
