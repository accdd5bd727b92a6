import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { REGEX_LIMIT_MS, regexBudget } from '../../src-main/engine/runners/bounded-regex.ts';
import { checkExpect } from '../../src-main/engine/runners/http-expect.ts';
import { parseJsonPath, readJsonPath } from '../../src-main/engine/runners/http-json-path.ts';
import { createHttpRunner } from '../../src-main/engine/runners/http-runner.ts';
import { httpContext, httpJob } from '../fixtures/http/run-context.ts';
import { json, startServer, type TestServer } from '../fixtures/http/server.ts';

const runner = createHttpRunner({ environment: {} });
let server: TestServer;

// GET /status/<code>[?location=…] answers that status; /body/<name> answers a canned body.
const BODIES: Record<string, { type: string; text: string }> = {
  ok: { type: 'application/json', text: '{"status":"ok","count":5,"items":[{"id":"a"},{"id":"b"}],"odd key":true}' },
  error: { type: 'application/json', text: '{"error":{"code":"QUOTA","message":"daily quota exceeded"}}' },
  html: { type: 'text/html', text: '<html><body>Maintenance</body></html>' },
  latin1: { type: 'text/plain; charset=iso-8859-1', text: 'caf\u00e9' },
  // Thirty-five a's and a '!': /^(a+)+$/ tries every way to split them, 2^35 of them, before it fails.
  backtracks: { type: 'text/plain', text: `${'a'.repeat(35)}!` },
};

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const [, kind, name] = url.pathname.split('/');
    if (kind === 'status') {
      const location = url.searchParams.get('location');
      json(res, Number(name), { status: Number(name) }, location ? { location } : {});
      return;
    }
    const body = BODIES[name ?? ''] ?? BODIES.ok!;
    res.writeHead(200, { 'content-type': body.type });
    res.end(Buffer.from(body.text, body.type.includes('8859') ? 'latin1' : 'utf8'));
  });
});
afterAll(async () => {
  await runner.close();
  await server.close();
});

const run = (job: Record<string, unknown>) => runner.run(httpContext(httpJob(job)));
const SIMPLIFY = 'the pattern backtracks too much (nested repeats such as (a+)+); simplify it';

describe('http runner: success status', () => {
  it('any 2xx succeeds by default', async () => {
    expect(await run({ url: `${server.url}/status/204` })).toMatchObject({ ok: true, result: { status: 204 } });
  });

  it('a 3xx fails without following it, naming the Location, and is not retried', async () => {
    const outcome = await run({ url: `${server.url}/status/302?location=https://elsewhere.example/login` });
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toBe(
      'HTTP 302 Found (expected 2xx) is not retried (only 408, 429 and 5xx are); redirects are not followed (Location: https://elsewhere.example/login)',
    );
    expect(server.requests.at(-1)!.url).toContain('/status/302');
  });

  it('an exact code in successStatus makes only that code a success', async () => {
    expect(await run({ url: `${server.url}/status/202`, successStatus: ['202'] })).toMatchObject({ ok: true });
    const outcome = await run({ url: `${server.url}/status/200`, successStatus: ['202'] });
    expect(outcome.error).toBe('HTTP 200 OK (expected 202) is not retried (only 408, 429 and 5xx are)');
  });

  it('a class and a code can be combined: ["2xx", "404"] accepts a 404', async () => {
    expect(await run({ url: `${server.url}/status/404`, successStatus: ['2xx', '404'] })).toMatchObject({ ok: true });
    const outcome = await run({ url: `${server.url}/status/410`, successStatus: ['2xx', '404'] });
    expect(outcome.error).toMatch(/^HTTP 410 Gone \(expected 2xx or 404\)/);
  });

  it('a failed status keeps the start of the body as the error detail', async () => {
    const outcome = await run({ url: `${server.url}/status/400` });
    expect(outcome.errorDetail).toBe('Response body: {"status":400}');
  });
});

describe('http runner: expect on the body', () => {
  it('jsonPath equals passes when the value is equal', async () => {
    expect(await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.status', equals: 'ok' } })).toMatchObject({ ok: true });
  });

  it('jsonPath equals fails saying what was expected and what came', async () => {
    const outcome = await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.count', equals: '5' } });
    expect(outcome).toMatchObject({ ok: false, retryable: false, error: 'Expected $.count to equal "5", got 5' });
    expect(outcome.result).toMatchObject({ status: 200 });
  });

  it('jsonPath equals fails when the path is missing', async () => {
    const outcome = await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.state', equals: 'ok' } });
    expect(outcome.error).toBe('Expected $.state to equal "ok", but the response has no $.state');
  });

  it('jsonPath reads array elements and quoted names', async () => {
    expect(await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.items[1].id', equals: 'b' } })).toMatchObject({ ok: true });
    expect(await run({ url: `${server.url}/body/ok`, expect: { jsonPath: "$['odd key']", equals: true } })).toMatchObject({ ok: true });
  });

  it('jsonPath notEquals fails when the value is the forbidden one', async () => {
    expect(await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.status', notEquals: 'failed' } })).toMatchObject({ ok: true });
    const outcome = await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.status', notEquals: 'ok' } });
    expect(outcome.error).toBe('Expected $.status not to equal "ok", but it does');
  });

  it('jsonPath exists: true needs the value, exists: false forbids it', async () => {
    expect(await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.items[0]', exists: true } })).toMatchObject({ ok: true });
    expect(await run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$.error', exists: false } })).toMatchObject({ ok: true });
    const outcome = await run({ url: `${server.url}/body/error`, expect: { jsonPath: '$.error.code', exists: false } });
    expect(outcome.error).toBe('Expected $.error.code not to exist, got "QUOTA"');
  });

  it('a 200 with an error body fails through bodyNotMatches, quoting the error', async () => {
    const outcome = await run({ url: `${server.url}/body/error`, expect: { bodyNotMatches: '"error"\\s*:' } });
    expect(outcome).toMatchObject({ ok: false, retryable: false, result: { status: 200 } });
    expect(outcome.error).toBe(
      'Expected the body not to match /"error"\\s*:/, but it does: `{"error":{"code":"QUOTA","message":"daily quota exceeded"}}`',
    );
  });

  it('bodyMatches passes on a match and fails showing the start of the body', async () => {
    expect(await run({ url: `${server.url}/body/html`, expect: { bodyMatches: 'Maint' } })).toMatchObject({ ok: true });
    const outcome = await run({ url: `${server.url}/body/html`, expect: { bodyMatches: '^\\{' } });
    expect(outcome.error).toBe('Expected the body to match /^\\{/, but it does not; it starts: `<html><body>Maintenance</body></html>`');
  });

  it('a pattern that backtracks without end is stopped after a second, and the run fails saying why', async () => {
    for (const expectation of [{ bodyMatches: '^(a+)+$' }, { bodyNotMatches: '^(a+)+$' }]) {
      const outcome = await run({ url: `${server.url}/body/backtracks`, expect: expectation });
      const field = Object.keys(expectation)[0];
      expect(outcome).toMatchObject({ ok: false, retryable: false, result: { status: 200 } });
      expect(outcome.error).toBe(`Stopped checking ${field} /^(a+)+$/ on a 36-byte body: the 1 s limit for all body checks of a run ran out; ${SIMPLIFY}`);
    }
  });

  it('when bodyMatches and bodyNotMatches both backtrack without end, the run fails on bodyMatches, saying the 1 s is for all body checks of a run', async () => {
    const outcome = await run({ url: `${server.url}/body/backtracks`, expect: { bodyMatches: '^(a+)+$', bodyNotMatches: '^(a+)+$' } });
    expect(outcome).toMatchObject({ ok: false, retryable: false, result: { status: 200 } });
    expect(outcome.error).toBe(`Stopped checking bodyMatches /^(a+)+$/ on a 36-byte body: the 1 s limit for all body checks of a run ran out; ${SIMPLIFY}`);
  });

  it('reads the body in the charset the server names', async () => {
    expect(await run({ url: `${server.url}/body/latin1`, expect: { bodyMatches: '^caf\u00e9$' } })).toMatchObject({ ok: true });
  });

  it('a jsonPath on a body that is not JSON fails saying so', async () => {
    const outcome = await run({ url: `${server.url}/body/html`, expect: { jsonPath: '$.status', equals: 'ok' } });
    expect(outcome.error).toMatch(/^Expected a JSON body to read \$\.status, but it is not JSON \(.+\); it starts: `<html>/);
  });

  it('a body cut at maxResponseBytes cannot pass an expect, and the run says why', async () => {
    const outcome = await run({ url: `${server.url}/body/ok`, maxResponseBytes: 10, expect: { jsonPath: '$.status', equals: 'ok' } });
    expect(outcome.error).toBe(
      'Cannot check expect: the response was cut at maxResponseBytes (10 of 72 bytes kept); raise maxResponseBytes',
    );
  });

  it('a JSONPath outside the supported subset fails the run without a retry', async () => {
    const outcome = run({ url: `${server.url}/body/ok`, expect: { jsonPath: '$..id', exists: true } });
    await expect(outcome).rejects.toThrow(NonRetryableError);
    await expect(outcome).rejects.toThrow("Unsupported expect.jsonPath `$..id` at `..id`: only $.name, $['name'] and $[index] steps are supported");
  });
});

describe('body checks: one time limit per run', () => {
  const body = { text: BODIES.backtracks!.text, receivedBytes: 36, keptBytes: 36, truncated: false };
  /** A monotonic clock by which the first match took `ms` (read before and after it). */
  const firstMatchTook = (ms: number) => {
    const readings = [0, ms];
    return () => readings.shift() ?? ms;
  };

  it('bodyNotMatches gets only what bodyMatches left, and its failure says how much bodyMatches took', () => {
    const budget = regexBudget(REGEX_LIMIT_MS, firstMatchTook(900));
    expect(checkExpect({ bodyMatches: '^a', bodyNotMatches: '^(a+)+$' }, body, budget)).toBe(
      `Stopped checking bodyNotMatches /^(a+)+$/ on a 36-byte body: the 1 s limit for all body checks of a run ran out (bodyMatches took 900 ms of it); ${SIMPLIFY}`,
    );
  });

  it('what bodyMatches left is enough for a quick bodyNotMatches', () => {
    const budget = regexBudget(REGEX_LIMIT_MS, firstMatchTook(900));
    expect(checkExpect({ bodyMatches: '^a', bodyNotMatches: 'error' }, body, budget)).toBeUndefined();
  });

  it('with nothing left after bodyMatches, bodyNotMatches fails even on a quick pattern', () => {
    const budget = regexBudget(REGEX_LIMIT_MS, firstMatchTook(1000));
    expect(checkExpect({ bodyMatches: '^a', bodyNotMatches: 'error' }, body, budget)).toBe(
      `Stopped checking bodyNotMatches /error/ on a 36-byte body: the 1 s limit for all body checks of a run ran out (bodyMatches took 1000 ms of it); ${SIMPLIFY}`,
    );
  });
});

describe('JSONPath subset', () => {
  const doc = { a: { b: [10, { c: 'deep' }] }, 'x y': 1, "it's": 2 };

  it.each([
    ['$', doc],
    ['$.a.b[0]', 10],
    ['$.a.b[1].c', 'deep'],
    ['$.a.b[-1].c', 'deep'],
    ["$['x y']", 1],
    ['$["x y"]', 1],
    ["$['it\\'s']", 2],
  ])('%s reads one value', (path, value) => {
    expect(readJsonPath(doc, parseJsonPath(path))).toEqual({ found: true, value });
  });

  it.each(['$.missing', '$.a.b[2]', '$.a.b.c', '$.a[0]', "$['x y'].z"])('%s finds nothing', (path) => {
    expect(readJsonPath(doc, parseJsonPath(path))).toEqual({ found: false });
  });

  it.each(['$..a', '$.a[*]', '$.a[?(@.b)]', '$.a[0:2]', 'a.b', '$.'])('%s is refused as unsupported', (path) => {
    expect(() => parseJsonPath(path)).toThrow(NonRetryableError);
  });

  it('a member inherited from Object.prototype is not found', () => {
    expect(readJsonPath({}, parseJsonPath('$.constructor'))).toEqual({ found: false });
  });
});
