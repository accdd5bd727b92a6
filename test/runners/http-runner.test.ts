import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { createHttpRunner } from '../../src-main/engine/runners/http-runner.ts';
import { httpContext, httpJob } from '../fixtures/http/run-context.ts';
import { json, startServer, type TestServer } from '../fixtures/http/server.ts';

const runner = createHttpRunner({ environment: {} });
let server: TestServer;

beforeAll(async () => {
  // Echoes what it received, so each test can see exactly what was sent.
  server = await startServer((req, res) => {
    if (req.url.startsWith('/big-number')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":12345678901234567890,"items":[],"nested":{"a":[1,2]}}');
      return;
    }
    if (req.url.startsWith('/broken')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('only the start', () => res.destroy());
      return;
    }
    if (req.url.startsWith('/text')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': 'session=abc123; HttpOnly' });
      res.end('plain words');
      return;
    }
    json(res, 200, { method: req.method, url: req.url, headers: req.headers, body: req.body });
  });
});
afterAll(async () => {
  await runner.close();
  await server.close();
});

const last = () => server.requests.at(-1)!;

describe('http runner: methods', () => {
  it.each(['GET', 'DELETE', 'HEAD'] as const)('%s reaches the server with that method', async (method) => {
    const outcome = await runner.run(httpContext(httpJob({ url: `${server.url}/m`, method })));
    expect(outcome).toMatchObject({ ok: true, result: { status: 200 } });
    expect(last().method).toBe(method);
  });

  it.each(['POST', 'PUT', 'PATCH'] as const)('%s sends its body with the content type', async (method) => {
    const outcome = await runner.run(httpContext(httpJob({ url: `${server.url}/m`, method, body: '{"a":1}', contentType: 'application/json' })));
    expect(outcome.ok).toBe(true);
    expect(last()).toMatchObject({ method, body: '{"a":1}' });
    expect(last().headers['content-type']).toBe('application/json');
  });

  it('a body without a content type is sent as application/json', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/m`, method: 'POST', body: '{}' })));
    expect(last().headers['content-type']).toBe('application/json');
  });
});

describe('http runner: auth', () => {
  it('bearer sends the token in Authorization', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/a`, auth: { type: 'bearer', token: 'tok-bearer-123456' } })));
    expect(last().headers.authorization).toBe('Bearer tok-bearer-123456');
  });

  it('basic sends base64 of username:password', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/a`, auth: { type: 'basic', username: 'svc', password: 'pä:ss' } })));
    expect(last().headers.authorization).toBe(`Basic ${Buffer.from('svc:pä:ss').toString('base64')}`);
  });

  it('apiKey in a header sends the key under its name', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/a`, auth: { type: 'apiKey', name: 'X-Api-Key', value: 'key-0987', in: 'header' } })));
    expect(last().headers['x-api-key']).toBe('key-0987');
  });

  it('apiKey in the query is appended, leaving the parameters already there as written', async () => {
    const job = httpJob({ url: `${server.url}/a?q=a%20b&x=1`, auth: { type: 'apiKey', name: 'api-key', value: 'k&y=1 2', in: 'query' } });
    await runner.run(httpContext(job));
    expect(last().url).toBe('/a?q=a%20b&x=1&api-key=k%26y%3D1%202');
  });

  it('none sends no Authorization header', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/a`, auth: { type: 'none' } })));
    expect(last().headers.authorization).toBeUndefined();
  });

  it('auth replaces an Authorization header written in headers', async () => {
    const job = httpJob({ url: `${server.url}/a`, headers: { authorization: 'Bearer old' }, auth: { type: 'bearer', token: 'tok-new-123456' } });
    await runner.run(httpContext(job));
    expect(last().headers.authorization).toBe('Bearer tok-new-123456');
  });
});

describe('http runner: parameters', () => {
  const values = { CurrentDate: '2026-05-04', ClientId: '42', Tricky: 'a "quoted" & \\ value\nnext', RunId: 'r-1' };

  it('substitutes into the URL URL-encoded, so a value cannot add query parameters', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/sync/{Tricky}?date={CurrentDate}&v={Tricky}` }), { values }));
    const received = new URL(last().url, server.url);
    expect(decodeURIComponent(received.pathname)).toBe(`/sync/${values.Tricky}`);
    expect(received.searchParams.get('v')).toBe(values.Tricky);
    expect([...received.searchParams.keys()]).toEqual(['date', 'v']);
  });

  it('substitutes into headers', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/h`, headers: { 'X-Tracking': 'batch-{RunId}' } }), { values }));
    expect(last().headers['x-tracking']).toBe('batch-r-1');
  });

  it('JSON-escapes values in a JSON body, so a quote cannot break the document', async () => {
    const body = '{"syncDate":"{CurrentDate}","clientId":{ClientId},"note":"{Tricky}"}';
    await runner.run(httpContext(httpJob({ url: `${server.url}/b`, method: 'POST', body, contentType: 'application/json' }), { values }));
    expect(JSON.parse(last().body)).toEqual({ syncDate: '2026-05-04', clientId: 42, note: values.Tricky });
  });

  it('form-encodes values in a form body', async () => {
    const job = httpJob({ url: `${server.url}/f`, method: 'POST', body: 'note={Tricky}&id={ClientId}', contentType: 'application/x-www-form-urlencoded' });
    await runner.run(httpContext(job, { values }));
    expect(Object.fromEntries(new URLSearchParams(last().body))).toEqual({ note: values.Tricky, id: '42' });
  });

  it('leaves values in a text body as they are', async () => {
    await runner.run(httpContext(httpJob({ url: `${server.url}/t`, method: 'POST', body: 'say {Tricky}', contentType: 'text/plain' }), { values }));
    expect(last().body).toBe(`say ${values.Tricky}`);
  });

  it('refuses a header value that a parameter would split into two headers', async () => {
    const before = server.requests.length;
    const run = runner.run(httpContext(httpJob({ url: `${server.url}/h`, headers: { 'X-Note': '{Tricky}' } }), { values }));
    await expect(run).rejects.toThrow(NonRetryableError);
    await expect(run).rejects.toThrow('headers.X-Note');
    expect(server.requests.length).toBe(before);
  });

  it('fails without a call when a placeholder is unknown, naming it and the field', async () => {
    await expect(runner.run(httpContext(httpJob({ url: `${server.url}/x?d={Missing}` }), { values }))).rejects.toThrow(
      /Unknown placeholder \{Missing\} in url/,
    );
  });
});

describe('http runner: output and result', () => {
  it('writes the request as sent, then the status, headers and indented JSON body', async () => {
    const ctx = httpContext(httpJob({ url: `${server.url}/big-number`, method: 'POST', body: '{"x":1}', headers: { 'X-Tracking': 't1' } }));
    await runner.run(ctx);
    const out = ctx.stdout.text();
    expect(out).toContain(`> POST ${server.url}/big-number HTTP/1.1\n> Host: 127.0.0.1:${server.port}\n> X-Tracking: t1\n`);
    expect(out).toContain('>\n> {"x":1}\n\n< 200 OK\n< content-type: application/json\n');
    // The literal 12345678901234567890 survives: no parse-and-print rounding.
    expect(out.endsWith('<\n{\n  "id": 12345678901234567890,\n  "items": [],\n  "nested": {\n    "a": [\n      1,\n      2\n    ]\n  }\n}\n')).toBe(true);
  });

  it('shows a 10 KB request body whole in the output but only its first 4 KB in the log, saying so', async () => {
    const body = `${'a'.repeat(4096)}${'b'.repeat(6144)}`;
    const ctx = httpContext(httpJob({ url: `${server.url}/m`, method: 'POST', body, contentType: 'text/plain' }));
    await runner.run(ctx);
    expect(ctx.stdout.text()).toContain(`>\n> ${body}\n\n< 200 OK`);
    const logged = ctx.logLines.find((line) => line.startsWith(`info HTTP POST ${server.url}/m HTTP/1.1`))!;
    expect(logged).toContain(`${'a'.repeat(4096)}\\n[request body: 10240 bytes, the first 4096 shown]`);
    expect(logged).not.toContain('ab');
  });

  it('returns status, headers, body size and truncated in the result, with cookies masked', async () => {
    const ctx = httpContext(httpJob({ url: `${server.url}/text` }));
    const outcome = await runner.run(ctx);
    expect(outcome.result).toMatchObject({ status: 200, bodyBytes: 11, truncated: false, headers: { 'content-type': 'text/plain', 'set-cookie': '***' } });
    expect(ctx.stdout.text()).toContain('< set-cookie: ***\n');
    expect(ctx.stdout.text()).not.toContain('abc123');
    expect(ctx.stdout.text().endsWith('<\nplain words\n')).toBe(true);
  });

  it('masks every credential in the output and the log, also without the engine redactor', async () => {
    const job = httpJob({
      url: `${server.url}/secret`,
      headers: { 'X-Custom': 'hdr-value-1234' },
      secretHeaders: ['X-Custom'],
      auth: { type: 'apiKey', name: 'key', value: 'query-key-5678', in: 'query' },
    });
    const ctx = httpContext(job);
    await runner.run(ctx);
    const written = ctx.stdout.text().split('\n< ')[0] + ctx.logLines.join('\n');
    expect(written).toContain('> GET ' + server.url + '/secret?key=*** HTTP/1.1');
    expect(written).toContain('> X-Custom: ***');
    for (const secret of ['hdr-value-1234', 'query-key-5678']) expect(written).not.toContain(secret);
  });

  it('names the host when nothing listens there, as a retryable failure', async () => {
    const closed = await startServer(() => {});
    await closed.close();
    const outcome = await runner.run(httpContext(httpJob({ url: `${closed.url}/x` })));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.error).toMatch(new RegExp(`^No answer from 127\\.0\\.0\\.1:${closed.port}: .*ECONNREFUSED`));
  });

  it('an answer that breaks off mid-body is a retryable failure, also written to stderr', async () => {
    const ctx = httpContext(httpJob({ url: `${server.url}/broken` }));
    const outcome = await runner.run(ctx);
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.error).toMatch(new RegExp(`^The answer from 127\\.0\\.0\\.1:${server.port} broke off: .+`));
    expect(ctx.stderr.text()).toBe(`${outcome.error}\n`);
  });
});
