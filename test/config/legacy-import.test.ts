import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src-main/engine/scheduler/cron.ts';
import { quartzToCron } from '../../src-main/engine/config/quartz-cron.ts';
import { parseScheduleFileText, validateScheduleFile, type ScheduleFile } from '../../src-main/engine/config/validate.ts';
import type { Problem } from '../../src-main/engine/errors.ts';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/config/legacy-platform.json');

function imported(): ScheduleFile {
  const result = parseScheduleFileText(fs.readFileSync(FIXTURE, 'utf8'));
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return result.value;
}

function problems(input: unknown): Problem[] {
  const result = validateScheduleFile(input);
  if (result.ok) throw new Error('expected problems, the file was valid');
  return result.problems;
}

const legacy = (fields: Record<string, unknown>): Record<string, unknown> => ({
  Name: 'Old Job',
  CronExpression: '0 0 12 * * ?',
  JobType: 'Process',
  JobConfiguration: { ExecutablePath: 'run.exe' },
  ...fields,
});

describe('legacy Process items', () => {
  it('translate names, zone, timeouts and retries', () => {
    const spec = imported().schedules[0];
    expect(spec).toMatchObject({
      name: 'Invoice Processor',
      description: 'Nightly invoices',
      cron: '0 30 2 ? * MON-FRI',
      timezone: 'America/Chicago',
      enabled: true,
      timeoutSeconds: 1800,
      retry: { maxRetries: 3, delaySeconds: 300, multiplier: 2 },
    });
    expect(spec?.job).toEqual({
      type: 'process',
      executablePath: 'C:\\BatchJobs\\InvoiceProcessor.exe',
      arguments: ['-mode', 'production', '-date', '{CurrentDate}', '-out', 'C:\\Out Folder\\'],
      workingDirectory: 'C:\\BatchJobs',
      timeoutSeconds: 1800,
    });
  });

  it('static and query parameters translate, the query source becoming a named connection', () => {
    const file = imported();
    expect(file.schedules[0]?.parameters).toEqual([
      { name: 'AccountId', type: 'int', value: '12345' },
      {
        name: 'CurrentDate',
        type: 'string',
        query: { connection: 'legacy-Invoice Processor-CurrentDate', sql: 'SELECT CONVERT(VARCHAR(10), GETDATE(), 120)' },
      },
    ]);
  });

  it('the retry cap lets the legacy doubling delays run uncut', () => {
    const file = validateScheduleFile({ schedules: [legacy({ MaxRetries: 4, RetryDelayMinutes: 30 })] });
    expect(file.ok && file.value.schedules[0]?.retry).toEqual({ maxRetries: 4, delaySeconds: 1800, multiplier: 2, jitter: 0, maxDelaySeconds: 14_400 });
  });
});

describe('legacy ApiCall items', () => {
  it('a JobConfiguration given as a JSON string translates, with bearer auth', () => {
    const spec = imported().schedules[1];
    expect(spec?.job).toEqual({
      type: 'http',
      url: 'https://api.example.com/v1/sync',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      auth: { type: 'bearer', token: 'your-bearer-token' },
      body: '{"syncDate":"{SyncDate}"}',
      contentType: 'application/json',
      timeoutSeconds: 300,
      maxResponseBytes: 10485760,
    });
    expect(spec?.retry).toMatchObject({ maxRetries: 2, delaySeconds: 60, multiplier: 2 });
  });

  it('Basic auth accepts user:password and its base64', () => {
    for (const value of ['svc:p@ss:word', Buffer.from('svc:p@ss:word').toString('base64')]) {
      const result = validateScheduleFile({
        schedules: [legacy({ JobType: 'ApiCall', JobConfiguration: { Url: 'https://x.example', Method: 'GET', AuthorizationType: 'Basic', AuthorizationValue: value } })],
      });
      expect(result.ok && result.value.schedules[0]?.job).toMatchObject({ auth: { type: 'basic', username: 'svc', password: 'p@ss:word' } });
    }
  });

  it('ApiKey goes in X-API-Key unless the headers name an API-key header', () => {
    const job = (headers: Record<string, string>) => {
      const result = validateScheduleFile({
        schedules: [legacy({ JobType: 'ApiCall', JobConfiguration: { Url: 'https://x.example', Method: 'GET', Headers: headers, AuthorizationType: 'ApiKey', AuthorizationValue: 'k1' } })],
      });
      return result.ok ? result.value.schedules[0]?.job : result.problems;
    };
    expect(job({})).toMatchObject({ auth: { type: 'apiKey', name: 'X-API-Key', value: 'k1', in: 'header' } });
    expect(job({ 'Ocp-Apim-Api-Key': 'old', Accept: 'x' })).toMatchObject({
      headers: { Accept: 'x' },
      auth: { type: 'apiKey', name: 'Ocp-Apim-Api-Key', value: 'k1', in: 'header' },
    });
  });
});

describe('legacy StoredProcedure items', () => {
  it('an inline connection string becomes a named connection, shared by schedules with the same string', () => {
    const file = imported();
    expect(file.schedules[2]?.job).toEqual({
      type: 'sql',
      connection: 'legacy-Invoice Processor-CurrentDate',
      procedure: 'usp_ArchiveOldRecords',
      timeoutSeconds: 600,
      captureResultSets: true,
      maxRows: 1000,
    });
    expect(file.schedules[3]?.job).toMatchObject({ connection: 'legacy-Archive Audit', procedure: 'dbo.usp_Archive', captureResultSets: false });
    expect(file.connections).toEqual([
      { name: 'legacy-Invoice Processor-CurrentDate', type: 'sqlserver', connectionString: 'Server=sql01;Database=Billing;Trusted_Connection=True;' },
      { name: 'legacy-Archive Audit', type: 'sqlserver', connectionString: 'Server=sql02;Database=Audit;' },
    ]);
  });

  it('a connection the file already holds with the same string is reused', () => {
    const result = validateScheduleFile({
      connections: [{ name: 'billing', connectionString: 'Server=a;' }],
      schedules: [legacy({ JobType: 3, JobConfiguration: { ConnectionString: 'Server=a;', ProcedureName: 'p' } })],
    });
    expect(result.ok && result.value.schedules[0]?.job).toMatchObject({ connection: 'billing' });
    expect(result.ok && result.value.connections).toHaveLength(1);
  });

  it('a generated name that is taken gets a number', () => {
    const result = validateScheduleFile({
      connections: [{ name: 'legacy-Old Job', connectionString: 'Server=other;' }],
      schedules: [legacy({ JobType: 3, JobConfiguration: { ConnectionString: 'Server=a;', ProcedureName: 'p' } })],
    });
    expect(result.ok && result.value.schedules[0]?.job).toMatchObject({ connection: 'legacy-Old Job-2' });
  });
});

describe('legacy cron expressions', () => {
  it('Quartz weekday numbers (1 = Sunday) are shifted so the same days run', () => {
    const archive = imported().schedules[2];
    expect(archive?.cron).toBe('0 0 1 ? * 0');
    const sunday = parseCron(archive?.cron ?? '', 'UTC').next(Date.UTC(2025, 0, 1));
    expect(new Date(sunday ?? 0).getUTCDay()).toBe(0);
  });

  it.each([
    ['0 0 12 ? * 2-6', '0 0 12 ? * 1-5'],
    ['0 0 12 ? * 6#3', '0 0 12 ? * 5#3'],
    ['0 0 12 ? * 6L', '0 0 12 ? * 5L'],
    ['0 0 12 ? * 1,7', '0 0 12 ? * 0,6'],
    ['0 0 12 ? * MON-FRI *', '0 0 12 ? * MON-FRI'],
    ['0 0 12 1 * ?', '0 0 12 1 * ?'],
    ['0 0/15 * * * ?', '0 0-59/15 * * * ?'],
    ['0 0 8/2,1 * * ?', '0 0 8-23/2,1 * * ?'],
    ['0 0 12 ? * 2/2', '0 0 12 ? * 1-6/2'],
  ])('%s becomes %s', (quartz, cron) => {
    expect(quartzToCron(quartz)).toEqual({ ok: true, cron });
  });

  it('a Quartz year other than * is reported on CronExpression', () => {
    expect(problems({ schedules: [legacy({ CronExpression: '0 0 12 * * ? 2030' })] })).toEqual([
      { path: 'schedules[0] "Old Job" › CronExpression', message: 'The Quartz year field `2030` is not supported; remove it or use `*`' },
    ]);
  });
});

describe('legacy problems point at the fields the author wrote', () => {
  it('an unknown PascalCase key is an error naming it', () => {
    expect(problems({ schedules: [legacy({ NextRunTime: 'x' })] })[0]).toEqual({
      path: 'schedules[0] "Old Job" › NextRunTime',
      message: expect.stringContaining('Unknown field `NextRunTime` in a legacy schedule'),
    });
  });

  it('an unknown JobConfiguration key suggests the right one', () => {
    expect(problems({ schedules: [legacy({ JobConfiguration: { ExecutablePth: 'x' } })] }).map((p) => p.path)).toEqual([
      'schedules[0] "Old Job" › JobConfiguration.ExecutablePth',
      'schedules[0] "Old Job" › JobConfiguration.ExecutablePath',
    ]);
  });

  it('an unknown JobType names the allowed ones', () => {
    expect(problems({ schedules: [legacy({ JobType: 'Ftp' })] })).toEqual([
      { path: 'schedules[0] "Old Job" › JobType', message: '`JobType` must be one of Process, ApiCall, StoredProcedure (or 1, 2, 3); got `Ftp` (string)' },
    ]);
  });

  it('validator problems are mapped back to legacy names', () => {
    const found = problems({
      schedules: [legacy({ MaxRetries: 500, JobParameters: [{ ParameterName: 'bad name', ParameterType: 'int', ParameterValue: '1' }] })],
    });
    expect(found).toEqual([
      { path: 'schedules[0] "Old Job" › JobParameters[0].ParameterName', message: expect.stringContaining('Expected `ParameterName` to be an identifier') },
      { path: 'schedules[0] "Old Job" › MaxRetries', message: 'Expected `MaxRetries` to be an integer from 0 to 100, got `500` (number)' },
    ]);
  });

  it('a broken JobConfiguration JSON string says where', () => {
    expect(problems({ schedules: [legacy({ JobConfiguration: '{"ExecutablePath": "x",}' })] })).toEqual([
      { path: 'schedules[0] "Old Job" › JobConfiguration', message: '`JobConfiguration` is not valid JSON: Trailing comma before `}` (line 1, column 24)' },
    ]);
  });

  it('a negative TimeoutMinutes is reported in minutes', () => {
    expect(problems({ schedules: [legacy({ TimeoutMinutes: -5 })] })[0]?.message).toBe(
      'Expected `TimeoutMinutes` to be a positive number of minutes, got `-5` (number)',
    );
  });
});

describe('our shape with a PascalCase job', () => {
  it('the job is translated and the rest kept', () => {
    const result = validateScheduleFile({
      schedules: [{ name: 'mixed', cron: '@hourly', tags: ['x'], job: { Type: 'StoredProcedure', ConnectionString: 'Server=m;', ProcedureName: 'dbo.p' } }],
    });
    expect(result.ok && result.value.schedules[0]).toMatchObject({ tags: ['x'], job: { type: 'sql', connection: 'legacy-mixed', procedure: 'dbo.p' } });
  });

  it('a stray PascalCase key in our shape is an ordinary unknown field', () => {
    expect(problems({ schedules: [{ name: 'p', cron: '@daily', job: { type: 'process', executablePath: 'x', Shell: true } }] })).toEqual([
      { path: 'schedules[0] "p" › job.Shell', message: 'Unknown field `Shell` in `job`; did you mean `shell`?' },
    ]);
  });

  it('the job type is inferred from its fields when not given', () => {
    const result = validateScheduleFile({ schedules: [{ name: 'p', cron: '@daily', job: { ExecutablePath: 'x.exe', Arguments: 'a "b c"' } }] });
    expect(result.ok && result.value.schedules[0]?.job).toEqual({ type: 'process', executablePath: 'x.exe', arguments: ['a', 'b c'] });
  });
});
