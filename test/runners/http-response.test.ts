/**
 * Large answers: the body streams to the run's output under maxResponseBytes and never sits in
 * memory whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpRunner } from '../../src-main/engine/runners/http-runner.ts';
import { indentJson } from '../../src-main/engine/runners/http-response.ts';
import { makeEngine, scheduleSpec, waitForEnd } from '../helpers/engine-harness.ts';
import { httpContext, httpJob } from '../fixtures/http/run-context.ts';
import { startServer, type TestServer } from '../fixtures/http/server.ts';

const MB = 1024 * 1024;
const LINE = Buffer.from('0123456789abcdef'.repeat(4).concat('\n'));
const BLOCK = Buffer.concat(Array.from({ length: 1024 }, () => LINE));

const runner = createHttpRunner({ environment: {} });
let server: TestServer;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const bytes = Number(url.searchParams.get('bytes'));
    if (url.pathname === '/json') {
      const items = Array.from({ length: bytes }, (_, i) => i);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items }));
      return;
    }
    res.writeHead(url.pathname === '/fail' ? 500 : 200, { 'content-type': 'text/plain', 'content-length': String(bytes) });
    for (let sent = 0; sent < bytes; sent += BLOCK.length) {
      const chunk = BLOCK.subarray(0, Math.min(BLOCK.length, bytes - sent));
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });
});
afterAll(async () => {
  await runner.close();
  await server.close();
});

describe('http runner: large responses', () => {
  it('a 100 MB answer is cut at maxResponseBytes in the output while memory stays low', async () => {
    const engine = makeEngine({ runners: [runner] });
    engine.saveSchedule(scheduleSpec({ name: 'big', job: { type: 'http', url: `${server.url}/big?bytes=${100 * MB}`, maxResponseBytes: MB } }));
    await engine.start();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const run = await waitForEnd(engine, engine.trigger('big').id, 60_000).finally(() => clearInterval(sampler));

    expect(run.status).toBe('succeeded');
    expect(run.result).toMatchObject({ status: 200, bodyBytes: 100 * MB, truncated: true });
    const output = await engine.readOutput(run.id, 'stdout', { length: 2 * MB });
    expect(output.totalBytes).toBeGreaterThan(MB);
    expect(output.totalBytes).toBeLessThan(MB + 4096);
    expect(output.text.endsWith(`\n[response cut at maxResponseBytes: ${MB} of ${100 * MB} bytes kept]\n`)).toBe(true);
    expect((peak - baseline) / MB).toBeLessThan(150);
  });

  it('a failed answer keeps its first kilobyte as the detail, saying how much there was', async () => {
    const outcome = await runner.run(httpContext(httpJob({ url: `${server.url}/fail?bytes=5000` })));
    expect(outcome.errorDetail).toBe(`Response body (first 1024 of 5000 bytes): ${BLOCK.subarray(0, 1024).toString()}`);
  });

  it('a JSON answer over 1 MB streams as sent instead of being held back for indenting', async () => {
    const ctx = httpContext(httpJob({ url: `${server.url}/json?bytes=200000` }));
    const outcome = await runner.run(ctx);
    const body = ctx.stdout.text().split('\n<\n')[1]!;
    expect(outcome.result).toMatchObject({ bodyBytes: Buffer.byteLength(body) - 1, truncated: false });
    expect(body).toBe(`${JSON.stringify({ items: Array.from({ length: 200000 }, (_, i) => i) })}\n`);
  });

  it('a JSON answer cut by maxResponseBytes is written as received, not indented', async () => {
    const ctx = httpContext(httpJob({ url: `${server.url}/json?bytes=100`, maxResponseBytes: 20 }));
    await runner.run(ctx);
    expect(ctx.stdout.text().split('\n<\n')[1]).toBe('{"items":[0,1,2,3,4,\n[response cut at maxResponseBytes: 20 of 301 bytes kept]\n');
  });
});

describe('JSON indentation', () => {
  it('keeps strings with brackets, commas and escapes as written', () => {
    expect(indentJson('{"a":"x,{[\\"]}:","b":[ ]}')).toBe('{\n  "a": "x,{[\\"]}:",\n  "b": []\n}');
  });

  it('returns undefined for text that is not JSON', () => {
    expect(indentJson('{"a":')).toBeUndefined();
  });
});
