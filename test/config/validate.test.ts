import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src-main/engine/errors.ts';
import { hostTimezone } from '../../src-main/engine/scheduler/cron.ts';
import { DEFAULT_RETRY } from '../../src-main/engine/types.ts';
import {
  isValidProcedureName,
  parseScheduleFileText,
  validateSchedule,
  validateScheduleFile,
  type ScheduleFile,
} from '../../src-main/engine/config/validate.ts';

function valid(input: unknown): ScheduleFile {
  const result = validateScheduleFile(input);
  if (!result.ok) throw new Error(`expected a valid file, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return result.value;
}

function problems(input: unknown): Problem[] {
  const result = validateScheduleFile(input);
  if (result.ok) throw new Error('expected problems, the file was valid');
  return result.problems;
}

function schedule(fields: Record<string, unknown>): Record<string, unknown> {
  return { name: 'nightly', cron: '0 30 2 * * *', job: { type: 'process', executablePath: 'node' }, ...fields };
}

describe('valid files normalise with defaults', () => {
  it('a process schedule gets every default filled', () => {
    const file = valid({ schedules: [{ name: 'nightly', cron: '30 2 * * *', job: { type: 'process', executablePath: 'node' } }] });
    expect(file.schedules[0]).toEqual({
      name: 'nightly',
      cron: '30 2 * * *',
      timezone: hostTimezone(),
      enabled: true,
      tags: [],
      job: { type: 'process', executablePath: 'node', arguments: [] },
      parameters: [],
      retry: DEFAULT_RETRY,
      overlap: 'skip',
      misfire: 'fire_once',
      misfireThresholdSeconds: 60,
      priority: 0,
    });
    expect(file.connections).toEqual([]);
    expect(file.settings).toEqual({});
  });

  it('the full documented example is accepted as written', () => {
    const file = valid({
      schedules: [
        schedule({
          name: 'invoice-processor',
          description: 'optional',
          timezone: 'America/Chicago',
          tags: ['finance'],
          job: {
            type: 'process',
            executablePath: 'node',
            arguments: ['-e', "console.log('{CurrentDate}')"],
            workingDirectory: '.',
            environment: { MODE: 'prod' },
            successExitCodes: [0],
          },
          parameters: [{ name: 'AccountId', type: 'int', value: '12345' }],
          timeoutSeconds: 1800,
          retry: { maxRetries: 3, delaySeconds: 5, multiplier: 2, jitter: 0.2, maxDelaySeconds: 3600, maxTotalSeconds: 7200 },
          overlap: 'skip',
          misfire: 'fire_once',
          priority: 0,
          notify: { email: { to: ['ops@example.com'], on: ['failure', 'retries_exhausted'] } },
        }),
      ],
      connections: [{ name: 'reporting', type: 'sqlserver', connectionString: 'Server=db;Database=r;' }],
      settings: {
        smtp: { host: 'mail.corp', port: 587, secure: 'starttls', user: 'batch', password: 'pw', from: 'batchlight@corp' },
        webhooks: [{ name: 'ops-teams', url: 'https://hooks.example/x', format: 'teams', headers: {} }],
        notify: { defaultTo: ['ops@corp'] },
        concurrency: 10,
        heartbeatSeconds: 30,
        graceSeconds: 30,
        retentionDays: 90,
        outputCapBytes: 10485760,
        allowedExecutables: [],
      },
    });
    expect(file.schedules[0]?.timezone).toBe('America/Chicago');
    expect(file.schedules[0]?.retry).toEqual({ maxRetries: 3, delaySeconds: 5, multiplier: 2, jitter: 0.2, maxDelaySeconds: 3600, maxTotalSeconds: 7200 });
    expect(file.connections).toEqual([{ name: 'reporting', type: 'sqlserver', connectionString: 'Server=db;Database=r;' }]);
    expect(file.settings.smtp?.port).toBe(587);
  });

  it('an http job gets method GET and a 10 MiB response cap', () => {
    const file = valid({ schedules: [schedule({ job: { type: 'http', url: 'https://{Host}/api?d={RunDate:yyyyMMdd}' } })] });
    expect(file.schedules[0]?.job).toEqual({ type: 'http', url: 'https://{Host}/api?d={RunDate:yyyyMMdd}', method: 'GET', maxResponseBytes: 10485760 });
  });

  it('an http method in lower case is accepted and upper-cased', () => {
    const file = valid({ schedules: [schedule({ job: { type: 'http', url: 'https://x.example', method: 'post', successStatus: ['2XX', '304'] } })] });
    expect(file.schedules[0]?.job).toMatchObject({ method: 'POST', successStatus: ['2xx', '304'] });
  });

  it('a sql job gets maxRows 1000 and its parameters lose a leading @', () => {
    const file = valid({
      schedules: [
        schedule({
          job: { type: 'sql', connection: 'reporting', procedure: '[my db].[dbo].[usp X]', parameters: [{ name: '@Since', type: 'date', value: '2025-01-31' }] },
        }),
      ],
    });
    expect(file.schedules[0]?.job).toEqual({
      type: 'sql',
      connection: 'reporting',
      procedure: '[my db].[dbo].[usp X]',
      parameters: [{ name: 'Since', type: 'date', value: '2025-01-31' }],
      maxRows: 1000,
    });
  });

  it('a sql job may name a connection the file does not hold (the store may have it)', () => {
    valid({ connections: [{ name: 'other', connectionString: 'x' }], schedules: [schedule({ job: { type: 'sql', connection: 'stored', procedure: 'p' } })] });
  });

  it('process arguments given as one string are split with the Windows rules', () => {
    const file = valid({ schedules: [schedule({ job: { type: 'process', executablePath: 'x.exe', arguments: '"C:\\Program Files\\x.exe" -a "b c"' } })] });
    expect(file.schedules[0]?.job).toMatchObject({ arguments: ['C:\\Program Files\\x.exe', '-a', 'b c'] });
  });

  it('overlap parallel gets maxParallel 2', () => {
    expect(valid({ schedules: [schedule({ overlap: 'parallel' })] }).schedules[0]?.maxParallel).toBe(2);
  });

  it('a retry with some fields keeps the defaults for the others', () => {
    expect(valid({ schedules: [schedule({ retry: { maxRetries: 4 } })] }).schedules[0]?.retry).toEqual({ ...DEFAULT_RETRY, maxRetries: 4 });
  });

  it('a notify recipient without `on` is told when retries are exhausted', () => {
    const spec = valid({ schedules: [schedule({ notify: { email: { to: ['Ops <ops@example.com>'] }, webhook: { target: 'ops-teams' } } })] }).schedules[0];
    expect(spec?.notify?.email?.on).toEqual(['retries_exhausted']);
    expect(spec?.notify?.webhook?.on).toEqual(['retries_exhausted']);
  });

  it('smtp port follows the secure mode when not given', () => {
    const file = valid({ settings: { smtp: { host: 'mail', secure: 'tls', from: 'b@corp' } } });
    expect(file.settings.smtp).toEqual({ host: 'mail', port: 465, secure: 'tls', from: 'b@corp' });
  });

  it('placeholders and the secret placeholder pass literal type checks', () => {
    valid({
      schedules: [
        schedule({
          parameters: [
            { name: 'A', type: 'int', value: '{Other}' },
            { name: 'B', type: 'datetime', value: '<secret>', secret: true },
            { name: 'C', type: 'uniqueidentifier', value: null },
          ],
        }),
      ],
    });
  });
});

describe('every problem names the schedule and the field', () => {
  it('a negative timeout reads like the style guide', () => {
    expect(problems({ schedules: [schedule({ name: 'invoice-processor', timeoutSeconds: -1 })] })).toEqual([
      { path: 'schedules[0] "invoice-processor" › timeoutSeconds', message: 'Expected `timeoutSeconds` to be a positive number, got `-1` (number)' },
    ]);
  });

  it('an unknown field names the field, the schedule and the likely intended one', () => {
    expect(problems({ schedules: [schedule({ timeZone: 'UTC' })] })).toEqual([
      { path: 'schedules[0] "nightly" › timeZone', message: 'Unknown field `timeZone` in `schedule`; did you mean `timezone`?' },
    ]);
  });

  it('an unknown field inside the job is reported at its path', () => {
    const found = problems({ schedules: [schedule({ job: { type: 'process', executablePath: 'x', args: [] } })] });
    expect(found).toEqual([{ path: 'schedules[0] "nightly" › job.args', message: expect.stringContaining('Unknown field `args`') }]);
  });

  it('a bad cron expression carries the parser’s reason', () => {
    const [problem] = problems({ schedules: [schedule({ cron: '61 * * * *' })] });
    expect(problem?.path).toBe('schedules[0] "nightly" › cron');
    expect(problem?.message).toMatch(/^Invalid cron expression `61 \* \* \* \*`: .+/);
  });

  it('a cron expression of 200 KB is refused in a message of readable length', () => {
    const [problem] = problems({ schedules: [schedule({ cron: '* '.repeat(100_000) })] });
    expect(problem?.message).toMatch(/^Expected `cron` to be a cron expression of at most 1000 characters, got `\* \* /);
    expect(problem!.message.length).toBeLessThan(200);
    const [long] = problems({ schedules: [schedule({ cron: `${'1,'.repeat(300)}x * * * *` })] });
    expect(long!.message.length).toBeLessThan(400);
  });

  it('a cron expression that can never fire is an error', () => {
    expect(problems({ schedules: [schedule({ cron: '0 0 30 2 *' })] })[0]?.message).toContain('never fires');
  });

  it('an unknown time zone is an error, with the IANA name for a Windows zone', () => {
    expect(problems({ schedules: [schedule({ timezone: 'Mars/Olympus' })] })[0]).toEqual({
      path: 'schedules[0] "nightly" › timezone',
      message: 'Unknown time zone `Mars/Olympus`; use an IANA name such as America/Chicago',
    });
    expect(problems({ schedules: [schedule({ timezone: 'Eastern Standard Time' })] })[0]?.message).toContain('`America/New_York`');
  });

  it('an unknown job type is one clear error', () => {
    expect(problems({ schedules: [schedule({ job: { type: 'ftp', host: 'x' } })] })).toEqual([
      { path: 'schedules[0] "nightly" › job.type', message: 'job.type must be one of process, http, sql; got `ftp` (string)' },
    ]);
  });

  it('a second schedule with the same name is the one reported', () => {
    const found = problems({ schedules: [schedule({}), schedule({ name: 'Nightly' })] });
    expect(found).toEqual([{ path: 'schedules[1] "Nightly" › name', message: 'Duplicate schedule name `Nightly` (already used by schedules[0])' }]);
  });

  it('duplicate connection names are reported', () => {
    const found = problems({ connections: [{ name: 'db', connectionString: 'a' }, { name: 'db', connectionString: 'b' }] });
    expect(found).toEqual([{ path: 'connections[1] "db" › name', message: 'Duplicate connection name `db` (already used by connections[0])' }]);
  });

  it('duplicate parameter names within a schedule are reported', () => {
    const found = problems({ schedules: [schedule({ parameters: [{ name: 'Day', type: 'date' }, { name: 'day', type: 'date' }] })] });
    expect(found[0]?.path).toBe('schedules[0] "nightly" › parameters[1].name');
  });

  it('a literal that does not fit its parameter type is reported', () => {
    const [problem] = problems({ schedules: [schedule({ parameters: [{ name: 'AccountId', type: 'int', value: '12.5' }] })] });
    expect(problem?.path).toBe('schedules[0] "nightly" › parameters[0].value');
    expect(problem?.message).toContain('an integer');
  });

  it('a secret parameter’s bad value is not shown in the message', () => {
    const [problem] = problems({ schedules: [schedule({ parameters: [{ name: 'Pin', type: 'int', value: 'hunter2', secret: true }] })] });
    expect(problem?.message).not.toContain('hunter2');
  });

  it('a connection string of the wrong type is not echoed', () => {
    const [problem] = problems({ connections: [{ name: 'db', connectionString: 12345 }] });
    expect(problem).toEqual({ path: 'connections[0] "db" › connectionString', message: expect.not.stringContaining('12345') });
  });

  it('maxParallel without overlap parallel is an error', () => {
    expect(problems({ schedules: [schedule({ maxParallel: 3 })] })[0]?.path).toBe('schedules[0] "nightly" › maxParallel');
  });

  it('maxDelaySeconds below delaySeconds is an error', () => {
    expect(problems({ schedules: [schedule({ retry: { delaySeconds: 60, maxDelaySeconds: 30 } })] })[0]).toEqual({
      path: 'schedules[0] "nightly" › retry.maxDelaySeconds',
      message: '`maxDelaySeconds` (30) must be at least `delaySeconds` (60)',
    });
  });

  it('numbers out of range name their range', () => {
    const found = problems({ schedules: [schedule({ priority: 101, retry: { maxRetries: 1.5, jitter: 2, multiplier: 0.5 } })] });
    expect(found.map((p) => p.message)).toEqual([
      'Expected `maxRetries` to be an integer from 0 to 100, got `1.5` (number)',
      'Expected `multiplier` to be a number from 1 to 10, got `0.5` (number)',
      'Expected `jitter` to be a number from 0 to 1, got `2` (number)',
      'Expected `priority` to be an integer from -100 to 100, got `101` (number)',
    ]);
  });

  it('http job fields are checked: url, regex, header names, status', () => {
    const found = problems({
      schedules: [
        schedule({
          job: { type: 'http', url: 'ftp://x', method: 'FETCH', headers: { 'Bad Name': 'v' }, successStatus: ['600'], expect: { bodyMatches: '(' } },
        }),
      ],
    });
    expect(found.map((p) => p.path)).toEqual([
      'schedules[0] "nightly" › job.url',
      'schedules[0] "nightly" › job.method',
      'schedules[0] "nightly" › job.headers["Bad Name"]',
      'schedules[0] "nightly" › job.successStatus[0]',
      'schedules[0] "nightly" › job.expect.bodyMatches',
    ]);
    expect(found[4]?.message).toBe('Invalid regular expression `(`: Unterminated group');
  });

  it('a user name or password in an http job`s url is refused (it is not sent) without showing it; a bad proxy hides its password', () => {
    const found = problems({
      schedules: [
        schedule({ job: { type: 'http', url: 'https://svc:Url-Pw-5150@api.example.com/v1?day={CurrentDate}' } }),
        schedule({ name: 'proxied', job: { type: 'http', url: 'https://api.example.com/v1', proxy: 'http://svc:Proxy-Pw-6161@proxy:99999' } }),
      ],
    });
    expect(found).toEqual([
      { path: 'schedules[0] "nightly" › job.url', message: 'Expected `url` to be an http:// or https:// URL without a user name or password (they are not sent; give them as `auth` of type basic), got a hidden value (string)' },
      { path: 'schedules[1] "proxied" › job.proxy', message: 'Expected `proxy` to be an http:// or https:// URL, got a hidden value (string)' },
    ]);
  });

  it('a NUL character in what a process is started with is refused, naming the field', () => {
    const found = problems({
      schedules: [schedule({ job: { type: 'process', executablePath: 'node\0x', arguments: ['-e', 'a\0b'], workingDirectory: 'C:\\jobs\0', environment: { MODE: 'x\0' } } })],
    });
    expect(found.map((p) => [p.path, p.message.replace(/, got .*$/, '')])).toEqual([
      ['schedules[0] "nightly" › job.executablePath', 'Expected `executablePath` to be a path without NUL characters'],
      ['schedules[0] "nightly" › job.arguments[1]', 'Expected `arguments[1]` to be a string without NUL characters'],
      ['schedules[0] "nightly" › job.workingDirectory', 'Expected `workingDirectory` to be a folder path without NUL characters'],
      ['schedules[0] "nightly" › job.environment.MODE', 'Expected `MODE` to be a string without NUL characters'],
    ]);
  });

  it('the auth type must be a known one', () => {
    expect(problems({ schedules: [schedule({ job: { type: 'http', url: 'https://x', auth: { type: 'oauth' } } })] })[0]?.message).toBe(
      'job.auth.type must be one of none, bearer, basic, apiKey; got `oauth` (string)',
    );
  });

  it('a bad procedure name is an error', () => {
    expect(problems({ schedules: [schedule({ job: { type: 'sql', connection: 'c', procedure: 'dbo.x; DROP TABLE y' } })] })[0]?.path).toBe(
      'schedules[0] "nightly" › job.procedure',
    );
  });

  it('the long_running event needs a threshold', () => {
    expect(problems({ schedules: [schedule({ notify: { email: { to: ['a@b'], on: ['long_running'] } } })] })[0]?.path).toBe(
      'schedules[0] "nightly" › notify.email.on',
    );
  });

  it('settings are range-checked', () => {
    expect(problems({ settings: { concurrency: 0, smtp: { host: 'm', from: 'x@y', secure: 'ssl' } } })).toEqual([
      { path: 'settings › smtp.secure', message: 'Expected `secure` to be one of none, starttls, tls, got `ssl` (string)' },
      { path: 'settings › concurrency', message: 'Expected `concurrency` to be an integer from 1 to 1000, got `0` (number)' },
    ]);
  });

  it('all problems are collected, not just the first', () => {
    const found = problems({
      schedules: [schedule({ cron: 'nope', priority: 'high' }), { name: 'second', job: { type: 'process' } }],
      connections: [{ name: 'c' }],
    });
    expect(found.map((p) => p.path)).toEqual([
      'schedules[0] "nightly" › cron',
      'schedules[0] "nightly" › priority',
      'schedules[1] "second" › cron',
      'schedules[1] "second" › job.executablePath',
      'connections[0] "c" › connectionString',
    ]);
  });

  it('a section given as null is refused like any other wrong type, settings included', () => {
    expect(problems({ schedules: null, settings: null })).toEqual([
      { path: 'schedules', message: 'Expected `schedules` to be an array of schedules, got `null` (null)' },
      { path: 'settings', message: 'Expected a settings object, got `null` (null)' },
    ]);
  });

  it('a schedule without a name is named by its index', () => {
    expect(problems({ schedules: [{ cron: '* * * * *', job: { type: 'process', executablePath: 'x' } }] })).toEqual([
      { path: 'schedules[0] › name', message: expect.stringContaining('Missing required field `name`') },
    ]);
  });
});

describe('hostile input never throws', () => {
  const deep = (depth: number): unknown => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i += 1) value = { a: [value] };
    return value;
  };

  it.each([
    ['null', null],
    ['a number', 42],
    ['an array', []],
    ['a string', 'schedules'],
    ['schedules as a string', { schedules: 'x' }],
    ['a null schedule', { schedules: [null] }],
    ['schedules of numbers and arrays', { schedules: [1, [], 'x', true] }],
    ['null sections', { schedules: null, connections: null, settings: null }],
    ['a deep value in a field', { schedules: [schedule({ job: { type: 'process', executablePath: deep(20_000) } })] }],
    ['a deep unknown field', { schedules: [schedule({ extra: deep(20_000) })] }],
    ['a deep array where a string goes', { schedules: [schedule({ tags: [new Array(1).fill(deep(20_000))] })] }],
    ['wrong shapes everywhere', { schedules: [{ name: [], cron: {}, job: { type: 'http', url: [], headers: [], auth: 'x', expect: 5 }, parameters: {}, retry: [], notify: 'x' }] }],
    ['a legacy item of wrong shapes', { schedules: [{ Name: 5, JobType: {}, JobConfiguration: '[', JobParameters: 'x', TimeoutMinutes: 'x' }] }],
  ])('%s gives problems', (_name, input) => {
    const result = validateScheduleFile(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
  });

  it('validateSchedule gives problems for null', () => {
    expect(validateSchedule(null)).toEqual({ ok: false, problems: [{ path: '', message: 'Expected a schedule object, got `null` (null)' }] });
  });

  it('a flood of bad items is capped with a count of the rest', () => {
    const found = problems({ schedules: new Array(500).fill(null) });
    expect(found).toHaveLength(201);
    expect(found[200]?.message).toBe('…and 300 more problems');
  });
});

describe('parseScheduleFileText', () => {
  it('a JSON syntax error says its line and column', () => {
    const result = parseScheduleFileText('{\n  "schedules": [\n    { "name": "a", }\n  ]\n}');
    expect(result).toEqual({ ok: false, problems: [{ path: '', message: 'Invalid JSON at line 3, column 20: Trailing comma before `}`' }] });
  });

  it('a Windows path with single backslashes gets a hint', () => {
    const result = parseScheduleFileText('{"schedules": [{"job": {"executablePath": "C:\\Jobs\\x.exe"}}]}');
    expect(result.ok ? '' : result.problems[0]?.message).toContain('Invalid escape `\\J`');
  });

  it('an empty file is a problem, not a crash', () => {
    expect(parseScheduleFileText('')).toEqual({ ok: false, problems: [{ path: '', message: 'Invalid JSON at line 1, column 1: The file is empty' }] });
  });

  it('a file saved with a byte-order mark parses', () => {
    expect(parseScheduleFileText('\uFEFF{"schedules": []}').ok).toBe(true);
  });

  it('deeply nested JSON gives a problem', () => {
    expect(parseScheduleFileText('['.repeat(100_000) + ']'.repeat(100_000)).ok).toBe(false);
  });
});

describe('validateSchedule', () => {
  it('paths are relative to the schedule, for forms', () => {
    const result = validateSchedule(schedule({ job: { type: 'process', executablePath: '' } }));
    expect(result).toEqual({ ok: false, problems: [{ path: 'job.executablePath', message: 'Expected `executablePath` to be a non-empty path, got an empty string' }] });
  });
});

describe('isValidProcedureName', () => {
  it.each(['usp_X', 'dbo.usp_X', 'db.dbo.usp_X', '[my db].[dbo].[usp X]', '"odd"".name"', '[a]]b]', '#temp_proc'])('accepts %s', (name) => {
    expect(isValidProcedureName(name)).toBe(true);
  });

  it.each(['', 'a.b.c.d', 'dbo..x', 'dbo.', '.x', 'x; DROP TABLE y', '[unclosed', 'a b', '[]', 'x--', 'proc\nname', '1abc'])('rejects %j', (name) => {
    expect(isValidProcedureName(name)).toBe(false);
  });
});
