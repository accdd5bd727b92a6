import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src-main/engine/redact.ts';

describe('redactor: shapes that are secret without being told', () => {
  it.each([
    ['ADO.NET connection string', 'Server=db1;User Id=sa;Password=p@ss;Database=jobs', 'Server=db1;User Id=sa;Password=***;Database=jobs'],
    ['Pwd with spaces and a quoted value', 'Server=x;Pwd = "a;b""c";Database=y', 'Server=x;Pwd = ***;Database=y'],
    ['ODBC braces', 'Driver={ODBC Driver 18};PWD={p}}w;d};UID=sa', 'Driver={ODBC Driver 18};PWD=***;UID=sa'],
    ['password at the end with no semicolon', 'Data Source=x;Password=last', 'Data Source=x;Password=***'],
    ['libpq key=value', 'host=db user=app password=hunter2 dbname=x', 'host=db user=app password=*** dbname=x'],
    ['URL userinfo', 'postgres://app:pa55@db:5432/x', 'postgres://app:***@db:5432/x'],
    ['Authorization: Bearer header', 'curl -H "Authorization: Bearer abc.def.ghi" https://x', 'curl -H "Authorization: Bearer ***" https://x'],
    ['Authorization: Basic header', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic ***'],
    ['Authorization in JSON', '{"Authorization":"Bearer xyz123456","x":1}', '{"Authorization":"Bearer ***","x":1}'],
    ['a bare Bearer token', 'sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', 'sent Bearer ***'],
    ['token in a query string', 'GET https://api.example.com/v1?user=bob&token=abc123&page=2', 'GET https://api.example.com/v1?user=bob&token=***&page=2'],
    ['api keys in a query string', 'https://x/y?api_key=K&apikey=L&access_token=M#frag', 'https://x/y?api_key=***&apikey=***&access_token=***#frag'],
    ['password in a query string keeps the next parameter', 'https://x/y?user=a&password=b&next=1', 'https://x/y?user=a&password=***&next=1'],
    ['Azure SAS signature', 'https://a.blob.core.windows.net/c?sv=2020&sig=AbC%3D&se=1', 'https://a.blob.core.windows.net/c?sv=2020&sig=***&se=1'],
    ['token= in a log line', 'refreshed token=abcd, next', 'refreshed token=***, next'],
    ['JSON password members', '{"user":"a","password":"p\\"w","dbPassword":"q","n":1}', '{"user":"a","password":"***","dbPassword":"***","n":1}'],
    ['JSON api key and secret', '{"api_key": "k1", "client_secret":"s"}', '{"api_key": "***", "client_secret":"***"}'],
  ])('%s', (_name, input, expected) => {
    expect(createRedactor().redact(input)).toBe(expected);
  });

  it.each([
    'process exited with code=1',
    'sorted by key=name',
    'Basic usage: run the job',
    'Server=db1;Database=jobs;Trusted_Connection=yes',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(createRedactor().redact(text)).toBe(text);
  });
});

describe('redactor: hostile output', () => {
  // 100 KB lines shaped to make a careless pattern rescan the text from every position. A
  // quadratic pattern takes minutes on these and the test times out; a linear one takes
  // milliseconds. (No elapsed time is asserted.)
  const size = 100_000;
  it.each([
    ['dotted words', 'a.'.repeat(size / 2)],
    ['a query string of dotted words', `?${'a.'.repeat(size / 2)}`],
    ['an unclosed JSON key full of "password"', `"${'password'.repeat(size / 8)}`],
    ['a password followed by endless spaces', `Password=x${' '.repeat(size)}`],
    ['repeated scheme-like prefixes', 'a://b:'.repeat(size / 6)],
    ['repeated header names', 'Authorization: '.repeat(size / 15)],
  ])('a long line of %s is redacted', (_name, text) => {
    const redactor = createRedactor();
    redactor.add('known-secret');
    expect(redactor.redact(text).length).toBeGreaterThan(0);
  });
});

describe('redactor: known secrets', () => {
  it('hides a known secret wherever it appears', () => {
    const redactor = createRedactor();
    redactor.add('Sup3r-Secret');
    expect(redactor.redact('echo Sup3r-Secret > x; again:Sup3r-Secret')).toBe('echo *** > x; again:***');
  });

  it('hides a known secret in its URL-encoded, form-encoded and JSON-escaped forms', () => {
    const redactor = createRedactor();
    redactor.add('p@ss word/"&');
    expect(redactor.redact('GET /login?u=a&p=p%40ss%20word%2F%22%26')).toBe('GET /login?u=a&p=***');
    expect(redactor.redact('body u=a&p=p%40ss+word%2F%22%26')).toBe('body u=a&p=***');
    expect(redactor.redact('{"p":"p@ss word/\\"&"}')).toBe('{"p":"***"}');
  });

  it('hides a secret with an apostrophe as a URL query encodes it, and one given percent-encoded in its decoded form', () => {
    const redactor = createRedactor();
    redactor.add("it'sA-secret-4242");
    redactor.add('Pr0xy%40pw-8642');
    expect(redactor.redact(`GET ${new URL("https://x.example/q?k=it'sA-secret-4242").href}`)).toBe('GET https://x.example/q?k=***');
    expect(redactor.redact('user svc, password Pr0xy@pw-8642')).toBe('user svc, password ***');
  });

  it('hides a URL password that holds a raw @ up to the last one before the host', () => {
    expect(createRedactor().redact('via http://svc:p@ss-w0rd-tail@proxy:8080/x and mail@example.com')).toBe('via http://svc:***@proxy:8080/x and mail@example.com');
  });

  it('hides a URL password inside JSON, however far the next @ is, and keeps the host', () => {
    const redactor = createRedactor();
    const near = '{"proxy":"http://svc:hunter2-pw@proxy:8080","to":"ops@example.com"}';
    expect(redactor.redact(near)).toBe('{"proxy":"http://svc:***@proxy:8080","to":"ops@example.com"}');
    const far = `{"proxy":"http://svc:hunter2-pw@proxy:8080","note":"${'x'.repeat(600)}","to":"ops@example.com"}`;
    expect(redactor.redact(far)).toBe(far.replace('hunter2-pw', '***'));
  });

  it('a secret shorter than 4 characters is not redacted (it would wreck the text)', () => {
    const redactor = createRedactor();
    redactor.add('abc');
    expect(redactor.redact('abc def')).toBe('abc def');
  });

  it('a secret added later is hidden from then on', () => {
    const redactor = createRedactor();
    redactor.add('first-secret');
    expect(redactor.redact('second-secret')).toBe('second-secret');
    redactor.add('second-secret');
    expect(redactor.redact('first-secret second-secret')).toBe('*** ***');
  });

  it('a longer secret that contains a shorter one is hidden whole', () => {
    const redactor = createRedactor();
    redactor.add('abcd');
    redactor.add('abcdefgh');
    expect(redactor.redact('x abcdefgh y')).toBe('x *** y');
  });

  it('regular-expression characters in a secret are matched literally', () => {
    const redactor = createRedactor();
    redactor.add('a.b*c+(d)');
    expect(redactor.redact('a.b*c+(d) aXbbbc+d')).toBe('*** aXbbbc+d');
  });

  it('many known secrets are all hidden', () => {
    const redactor = createRedactor();
    const secrets = Array.from({ length: 2000 }, (_, i) => `secret-value-${i}-x`);
    for (const secret of secrets) redactor.add(secret);
    const text = secrets.filter((_, i) => i % 97 === 0).join(' | ');
    expect(redactor.redact(text)).toBe(text.split(' | ').map(() => '***').join(' | '));
  });
});

describe('redactor: structured values', () => {
  it('redactDeep copies objects with secret-named members and secret strings hidden', () => {
    const redactor = createRedactor();
    redactor.add('known-value');
    const input = {
      connection: 'Server=x;Password=y;',
      password: 'anything',
      nested: [{ apiKey: 'k', count: 3, note: 'has known-value inside' }],
      headers: { Authorization: 'Bearer zzz', accept: 'json' },
      when: new Date(0),
    };
    expect(redactor.redactDeep(input)).toEqual({
      connection: 'Server=x;Password=***;',
      password: '***',
      nested: [{ apiKey: '***', count: 3, note: 'has *** inside' }],
      headers: { Authorization: '***', accept: 'json' },
      when: new Date(0),
    });
    expect(input.password).toBe('anything');
  });

  it('redactDeep hides secrets in an error message and keeps it an Error', () => {
    const error = new Error('login failed: Pwd=abc;', { cause: new Error('token=qqq') });
    const copy = createRedactor().redactDeep(error);
    expect(copy).toBeInstanceOf(Error);
    expect(copy.message).toBe('login failed: Pwd=***;');
    expect((copy.cause as Error).message).toBe('token=***');
    expect(copy.stack).not.toContain('abc');
  });

  it('redactDeep survives a value that refers to itself', () => {
    const value: Record<string, unknown> = { token: 't0ken' };
    value.self = value;
    const copy = createRedactor().redactDeep(value);
    expect(copy.token).toBe('***');
    expect(copy.self).toBe(copy);
  });
});

describe('redactor: a run\'s own secrets', () => {
  it('hides them for that run only; the engine\'s redactor does not learn them', () => {
    const engine = createRedactor();
    engine.add('engine-secret-1');
    const run = engine.including(['run-secret-22', 'ab']);
    expect(run.redact('engine-secret-1 run-secret-22 ab')).toBe('*** *** ab');
    expect(run.redactDeep({ line: 'x run-secret-22', n: 1 })).toEqual({ line: 'x ***', n: 1 });
    expect(engine.redact('run-secret-22')).toBe('run-secret-22');
  });

  it('hides the whole of an engine secret that contains a run secret, and one added later', () => {
    const engine = createRedactor();
    engine.add('prefix-run-secret-22-suffix');
    const run = engine.including(['run-secret-22']);
    expect(run.redact('a prefix-run-secret-22-suffix b')).toBe('a *** b');
    engine.add('added-while-running');
    expect(run.redact('added-while-running run-secret-22')).toBe('*** ***');
  });
});
