/**
 * The circuit breaker per host, through the runner against a real server; the breaker's clock
 * is a fake one the test moves, so "five minutes later" takes no time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunCancelledError, RunTimeoutError } from '../../src-main/engine/errors.ts';
import { createHttpRunner, type HttpRunner } from '../../src-main/engine/runners/http-runner.ts';
import { httpContext, httpJob } from '../fixtures/http/run-context.ts';
import { json, startServer, type TestServer } from '../fixtures/http/server.ts';

const START = Date.parse('2026-05-04T10:00:00Z');
const MINUTE = 60_000;

let now: number;
let status: number;
let hold: Promise<void> | undefined;
let server: TestServer;
let runner: HttpRunner;

beforeEach(async () => {
  now = START;
  status = 503;
  hold = undefined;
  server = await startServer(async (_req, res) => {
    await hold;
    json(res, status, {});
  });
  runner = createHttpRunner({ clock: { now: () => now }, environment: {} });
});
afterEach(async () => {
  await runner.close();
  await server.close();
});

const host = () => `127.0.0.1:${server.port}`;
const call = (signal?: AbortSignal) => runner.run(httpContext(httpJob({ url: `${server.url}/api` }), { signal }));
async function failTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await call()).error).toMatch(/^HTTP 503/);
}

describe('http runner: circuit breaker', () => {
  it('after 5 consecutive transient failures calls fail fast with a clear error, without reaching the host', async () => {
    await failTimes(5);
    const outcome = await call();
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      error: `Circuit open for ${host()} after 5 consecutive failures; calls resume at 10:05:00Z`,
      retryAfterMs: 5 * MINUTE,
    });
    expect(server.requests).toHaveLength(5);
    expect(runner.circuitStates()).toEqual([{ host: host(), state: 'open', openedAt: START, resumesAt: START + 5 * MINUTE, failures: 5 }]);
  });

  it('after 5 minutes one trial call goes through, and its success closes the circuit', async () => {
    await failTimes(5);
    now += 5 * MINUTE;
    expect(runner.circuitStates()[0]!.state).toBe('half_open');
    status = 200;
    expect(await call()).toMatchObject({ ok: true });
    expect(runner.circuitStates()).toEqual([]);
    expect(await call()).toMatchObject({ ok: true });
    expect(server.requests).toHaveLength(7);
  });

  it('a failed trial call opens the circuit for another 5 minutes', async () => {
    await failTimes(5);
    now += 5 * MINUTE;
    await failTimes(1);
    now += MINUTE;
    expect((await call()).error).toBe(`Circuit open for ${host()} after 6 consecutive failures; calls resume at 10:10:00Z`);
    expect(server.requests).toHaveLength(6);
  });

  it('while a trial call is in flight, other calls to the host fail fast', async () => {
    await failTimes(5);
    now += 5 * MINUTE;
    status = 200;
    let release = () => {};
    hold = new Promise((resolve) => (release = resolve));
    const trial = call();
    while (server.requests.length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await call()).error).toBe(`Circuit half-open for ${host()}: a trial call is in progress; other calls wait for its outcome`);
    release();
    expect(await trial).toMatchObject({ ok: true });
    expect(await call()).toMatchObject({ ok: true });
  });

  it('a cancelled trial call leaves the circuit half-open for the next call', async () => {
    await failTimes(5);
    now += 5 * MINUTE;
    hold = new Promise(() => {});
    const controller = new AbortController();
    const trial = call(controller.signal);
    while (server.requests.length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new RunCancelledError('tester'));
    await expect(trial).rejects.toThrow('Run cancelled by tester');
    hold = undefined;
    status = 200;
    expect(await call()).toMatchObject({ ok: true });
  });

  it('a trial call that times out opens the circuit again', async () => {
    await failTimes(5);
    now += 5 * MINUTE;
    hold = new Promise(() => {});
    const controller = new AbortController();
    const trial = call(controller.signal);
    while (server.requests.length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new RunTimeoutError(30));
    await expect(trial).rejects.toThrow('Run timed out after 30 s');
    expect(runner.circuitStates()[0]).toMatchObject({ state: 'open', openedAt: now, failures: 6 });
  });

  it('an answer that is not transient (404) resets the count of consecutive failures', async () => {
    await failTimes(4);
    status = 404;
    expect((await call()).error).toMatch(/^HTTP 404/);
    status = 503;
    await failTimes(4);
    expect(runner.circuitStates()).toEqual([{ host: host(), state: 'closed', openedAt: null, resumesAt: null, failures: 4 }]);
  });

  it('network errors count as failures, per host: another host stays reachable', async () => {
    const down = await startServer(() => {});
    await down.close();
    const callDown = () => runner.run(httpContext(httpJob({ url: `${down.url}/api` })));
    for (let i = 0; i < 5; i++) expect((await callDown()).error).toMatch(/^No answer from/);
    expect((await callDown()).error).toMatch(/^Circuit open for 127\.0\.0\.1:\d+ after 5 consecutive failures/);
    status = 200;
    expect(await call()).toMatchObject({ ok: true });
  });

  it('threshold and open time come from the options, read on each call', async () => {
    let settings = { failureThreshold: 2, openMs: 1000 };
    await runner.close();
    runner = createHttpRunner({ clock: { now: () => now }, environment: {}, breaker: () => settings });
    await failTimes(2);
    expect((await call()).error).toBe(`Circuit open for ${host()} after 2 consecutive failures; calls resume at 10:00:01Z`);
    settings = { failureThreshold: 2, openMs: 0 };
    status = 200;
    expect(await call()).toMatchObject({ ok: true });
  });
});
