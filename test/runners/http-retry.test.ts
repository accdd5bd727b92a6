/**
 * The HTTP runner inside the real engine: which failures the schedule's retry policy retries,
 * Retry-After, and that a timeout or a cancel drops the connection at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src-main/engine/engine.ts';
import { parseRetryAfter } from '../../src-main/engine/runners/http-outcome.ts';
import { createHttpRunner, type HttpRunner } from '../../src-main/engine/runners/http-runner.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { makeEngine, onCleanup, scheduleSpec, waitFor, waitForEnd } from '../helpers/engine-harness.ts';
import { json, startServer, type Handler, type TestServer } from '../fixtures/http/server.ts';

let runner: HttpRunner;
afterEach(async () => {
  await runner.close();
});

async function setUp(handler: Handler, schedule: Record<string, unknown>): Promise<{ engine: Engine; server: TestServer }> {
  const server = await startServer(handler);
  onCleanup(() => server.close());
  runner = createHttpRunner({ environment: {} });
  const engine = makeEngine({ runners: [runner] });
  engine.saveSchedule(scheduleSpec({ name: 'api', ...schedule, job: { type: 'http', url: `${server.url}/sync`, ...(schedule.job as object) } }));
  await engine.start();
  return { engine, server };
}

/** Triggers the schedule and waits until its retry chain has ended; returns every attempt. */
async function chainOf(engine: Engine): Promise<Run[]> {
  const first = engine.trigger('api');
  await engine.waitForChain(first.id, 20);
  return engine.listRuns({ chainId: first.chainId, limit: 100 }).sort((a, b) => a.attempt - b.attempt);
}

/** Waits until the run's stdout file holds `text`. */
async function waitForOutput(engine: Engine, runId: string, text: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await engine.readOutput(runId, 'stdout')).text.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Timed out waiting for \`${text}\` in the output of run ${runId}`);
}

describe('http runner in the engine: retries', () => {
  it('503 twice then 200: three attempts, the last succeeds', async () => {
    let calls = 0;
    const { engine, server } = await setUp(
      (_req, res) => (++calls <= 2 ? json(res, 503, { busy: true }) : json(res, 200, { status: 'ok' })),
      { retry: { maxRetries: 5, delaySeconds: 0 } },
    );
    const runs = await chainOf(engine);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([[0, 'failed'], [1, 'failed'], [2, 'succeeded']]);
    expect(runs[0]!.error).toBe('HTTP 503 Service Unavailable (expected 2xx)');
    expect(runs[2]!.result).toMatchObject({ status: 200, truncated: false });
    expect(server.requests).toHaveLength(3);
  });

  it('429 with Retry-After: the retry waits at least as long as the server asked', async () => {
    let calls = 0;
    const { engine } = await setUp(
      (_req, res) => (++calls === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, {})),
      { retry: { maxRetries: 2, delaySeconds: 0 } },
    );
    const [first, second] = await chainOf(engine) as [Run, Run];
    expect(first.error).toBe('HTTP 429 Too Many Requests (expected 2xx); the server asked to wait 1 s before retrying');
    expect(second.dueAt - first.finishedAt!).toBe(1000);
    expect(second.status).toBe('succeeded');
  });

  it('404 fails at once with no retry, and the run says why', async () => {
    const { engine, server } = await setUp((_req, res) => json(res, 404, { error: 'no such batch' }), {
      retry: { maxRetries: 5, delaySeconds: 0 },
    });
    const runs = await chainOf(engine);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'failed',
      error: 'HTTP 404 Not Found (expected 2xx) is not retried (only 408, 429 and 5xx are)',
      errorDetail: 'Response body: {"error":"no such batch"}',
      result: { status: 404 },
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('http runner in the engine: timeout and cancel', () => {
  it('a server that never answers: the run times out and the connection is dropped', async () => {
    const { engine, server } = await setUp(() => {}, { job: { timeoutSeconds: 0.5 } });
    const run = await waitForEnd(engine, engine.trigger('api').id);
    expect(run).toMatchObject({ status: 'timed_out', error: 'Run timed out after 0.5 s' });
    await server.requests[0]!.closed;
  });

  it('cancel mid-response: the run is cancelled and the connection is dropped', async () => {
    const { engine, server } = await setUp((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part of a slow answer\n');
    }, {});
    const queued = engine.trigger('api');
    await waitFor(() => server.requests.length === 1 && engine.getRun(queued.id).status === 'running', 10_000, 'the request');
    await waitForOutput(engine, queued.id, 'first part of a slow answer');
    engine.cancel(queued.id, 'tester');
    const run = await waitForEnd(engine, queued.id);
    expect(run).toMatchObject({ status: 'cancelled', error: 'Run cancelled by tester' });
    await server.requests[0]!.closed;
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-05-04T10:00:00Z');

  it('takes seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
  });

  it('takes an HTTP date, as the time left until then', () => {
    expect(parseRetryAfter('Mon, 04 May 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('a date already past asks for no wait; garbage is ignored', () => {
    expect(parseRetryAfter('Mon, 04 May 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
