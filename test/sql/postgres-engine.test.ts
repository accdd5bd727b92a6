import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src-main/engine/clock.ts';
import { parseScheduleFileText } from '../../src-main/engine/config/validate.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import { createQueryResolver } from '../../src-main/engine/params/query-resolver.ts';
import { silentLogger } from '../../src-main/engine/logger.ts';
import { createSqlPools } from '../../src-main/engine/runners/sql-pools.ts';
import { createSqlRunner } from '../../src-main/engine/runners/sql-runner.ts';
import type { ScheduleParameter } from '../../src-main/engine/types.ts';
import { makeEngine, nodeJob, onCleanup, waitForEnd } from '../helpers/engine-harness.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres.ts';

const DDL = `
CREATE TABLE batches (id int, label text);
INSERT INTO batches VALUES (7, 'seven');
CREATE SEQUENCE ticket;
CREATE PROCEDURE slow_archive(seconds int) LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(seconds); END $$;
CREATE PROCEDURE echo_pin(pin int, OUT got int) LANGUAGE plpgsql AS $$ BEGIN got := pin; END $$;
CREATE PROCEDURE record_batch(batch int, label text, OUT batch_was_null boolean, OUT got text)
  LANGUAGE plpgsql AS $$ BEGIN batch_was_null := batch IS NULL; got := label; END $$;
`;

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
  const client = new pg.Client(server.url());
  await client.connect();
  await client.query(DDL);
  await client.end();
});

afterAll(async () => {
  await server?.stop();
});

/** An engine with the SQL runner and the query resolver wired in, and the 'pg' connection imported. */
function sqlEngine(schedules: Array<Record<string, unknown>>, connections: Array<Record<string, unknown>> = []): Engine {
  let engine: Engine | undefined;
  const sql = createSqlRunner({ connections: (name) => engine!.store.connections.get(name) });
  engine = makeEngine({ runners: [sql], resolveQuery: sql.resolveQuery });
  onCleanup(() => sql.close());
  const text = JSON.stringify({
    connections: [{ name: 'pg', type: 'postgres', connectionString: server.url() }, ...connections],
    schedules: schedules.map((s) => ({ cron: '0 0 1 1 *', timezone: 'UTC', ...s })),
  });
  const file = parseScheduleFileText(text);
  if (!file.ok) throw new Error(file.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  engine.importFile(file.value);
  return engine;
}

/** Server sessions running `slow_archive` right now. */
async function sleepingSessions(): Promise<number> {
  const { rows } = await server.admin<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'CALL "slow_archive"%'`,
  );
  return rows[0]!.n;
}

async function waitForNoSleepers(): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await sleepingSessions()) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('pg_sleep is still running on the server');
}

const slowJob = (extra: Record<string, unknown> = {}) => ({
  type: 'sql',
  connection: 'pg',
  procedure: 'slow_archive',
  parameters: [{ name: 'seconds', type: 'int', value: '120' }],
  ...extra,
});

describe('timeout and cancel stop the statement on the server', () => {
  it('a timeout cancels pg_sleep on the server: it leaves pg_stat_activity and the run is timed_out', async () => {
    const engine = sqlEngine([{ name: 'slow', job: slowJob({ timeoutSeconds: 1 }) }]);
    await engine.start();
    const run = engine.trigger('slow');
    await pollUntil(async () => (await sleepingSessions()) === 1);
    const ended = await waitForEnd(engine, run.id, 20_000);
    expect(ended).toMatchObject({ status: 'timed_out', error: 'Run timed out after 1 s' });
    await waitForNoSleepers();
  });

  it('a cancel cancels pg_sleep on the server and the run is cancelled', async () => {
    const engine = sqlEngine([{ name: 'slow', job: slowJob() }]);
    await engine.start();
    const run = engine.trigger('slow');
    await pollUntil(async () => (await sleepingSessions()) === 1);
    engine.cancel(run.id, 'tester');
    const ended = await waitForEnd(engine, run.id, 20_000);
    expect(ended).toMatchObject({ status: 'cancelled', error: 'Run cancelled by tester' });
    await waitForNoSleepers();
  });
});

describe('dynamic parameters (a query on a connection)', () => {
  it("the first column of the first row becomes the value, for any job's placeholders", async () => {
    const engine = sqlEngine([
      {
        name: 'print',
        parameters: [{ name: 'Label', type: 'string', query: { connection: 'pg', sql: 'SELECT label, id FROM batches ORDER BY id' } }],
        job: nodeJob('process.stdout.write(process.argv[1])', { arguments: ['-e', 'process.stdout.write(process.argv[1])', 'label={Label}'] }),
      },
    ]);
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('print').id);
    expect(run.status).toBe('succeeded');
    expect(run.stdoutTail).toBe('label=seven');
  });

  it('a secret parameter read by a query is redacted from the run, as a stored secret is', async () => {
    const engine = sqlEngine([
      {
        name: 'print-code',
        parameters: [{ name: 'Code', type: 'string', secret: true, query: { connection: 'pg', sql: "SELECT 'queried-code-' || nextval('ticket')" } }],
        job: nodeJob('', { arguments: ['-e', 'process.stdout.write(process.argv[1])', 'code={Code}'] }),
      },
    ]);
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('print-code').id);
    expect(run.status).toBe('succeeded');
    expect(run.stdoutTail).toBe('code=***');
  });

  it('a secret number a procedure echoes back (a PIN passed as an int) is masked in the run result', async () => {
    const engine = sqlEngine([
      {
        name: 'echo-pin',
        parameters: [{ name: 'Pin', type: 'int', value: '48151623', secret: true }],
        job: { type: 'sql', connection: 'pg', procedure: 'echo_pin', parameters: [{ name: 'pin', type: 'int', value: '{Pin}' }, { name: 'got', type: 'int', direction: 'output' }] },
      },
    ]);
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('echo-pin').id);
    expect(run).toMatchObject({ status: 'succeeded', result: { output: { got: '***' } } });
    expect(JSON.stringify(run)).not.toContain('48151623');
  });

  it('a query returning NULL passes SQL NULL on to a SQL job parameter', async () => {
    const engine = sqlEngine([
      {
        name: 'record',
        parameters: [
          { name: 'Batch', type: 'int', query: { connection: 'pg', sql: 'SELECT NULL::int' } },
          { name: 'Label', type: 'string', query: { connection: 'pg', sql: 'SELECT label FROM batches' } },
        ],
        job: {
          type: 'sql',
          connection: 'pg',
          procedure: 'record_batch',
          parameters: [
            { name: 'batch', type: 'int', value: '{Batch}' },
            { name: 'label', type: 'string', value: '{Label}' },
            { name: 'batch_was_null', type: 'bit', direction: 'output' },
            { name: 'got', type: 'string', direction: 'output' },
          ],
        },
      },
    ]);
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('record').id);
    expect(run).toMatchObject({ status: 'succeeded', result: { output: { batch_was_null: true, got: 'seven' } } });
  });

  it('a failing query fails the run before the job starts, naming the parameter, the connection and the database message', async () => {
    const engine = sqlEngine([
      {
        name: 'broken',
        parameters: [{ name: 'CurrentDate', type: 'string', query: { connection: 'pg', sql: 'SELECT x FROM batches' } }],
        job: nodeJob('process.stdout.write("the job ran")'),
      },
    ]);
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('broken').id);
    expect(run).toMatchObject({ status: 'failed', error: `Failed to resolve parameter 'CurrentDate' on 'pg': column "x" does not exist` });
    expect(run.stdoutTail).toBeNull();
  });

  it('no rows fails the run, unless the parameter has a default', async () => {
    const noRows = { connection: 'pg', sql: 'SELECT label FROM batches WHERE id < 0' };
    const engine = sqlEngine([
      { name: 'empty', parameters: [{ name: 'Label', type: 'string', query: noRows }], job: nodeJob('0') },
      {
        name: 'defaulted',
        parameters: [{ name: 'Label', type: 'string', query: noRows, default: 'fallback' }],
        job: nodeJob('process.stdout.write(process.argv[1])', { arguments: ['-e', 'process.stdout.write(process.argv[1])', '{Label}'] }),
      },
    ]);
    await engine.start();
    const empty = await waitForEnd(engine, engine.trigger('empty').id);
    expect(empty).toMatchObject({ status: 'failed' });
    expect(empty.error).toBe(`Failed to resolve parameter 'Label' on 'pg': the query returned no rows, and the parameter has no "default"`);
    const defaulted = await waitForEnd(engine, engine.trigger('defaulted').id);
    expect(defaulted).toMatchObject({ status: 'succeeded', stdoutTail: 'fallback' });
  });

  it('a query on an unknown connection fails naming it', async () => {
    const engine = sqlEngine([{ name: 'lost', parameters: [{ name: 'X', type: 'string', query: { connection: 'nowhere', sql: 'SELECT 1' } }], job: nodeJob('0') }]);
    await engine.start();
    const run = await waitForEnd(engine, engine.trigger('lost').id);
    expect(run.error).toMatch(/^Failed to resolve parameter 'X' on 'nowhere': No connection named 'nowhere'/);
  });
});

describe('dynamic parameter cache', () => {
  const connections = () => ({ name: 'pg', type: 'postgres' as const, connectionString: server.url() });
  const ticket = (cacheSeconds?: number): ScheduleParameter => ({
    name: 'Ticket',
    type: 'int',
    query: { connection: 'pg', sql: "SELECT nextval('ticket')" },
    ...(cacheSeconds === undefined ? {} : { cacheSeconds }),
  });

  function resolver() {
    let monotonic = 0;
    const clock = { monotonic: () => monotonic, now: () => 0 } as unknown as Clock;
    const pools = createSqlPools(() => connections());
    onCleanup(() => pools.close());
    return { resolve: createQueryResolver({ pools, clock, logger: silentLogger }), advance: (ms: number) => (monotonic += ms) };
  }

  it('with cacheSeconds the value is reused until it expires', async () => {
    const { resolve, advance } = resolver();
    const signal = new AbortController().signal;
    const first = await resolve(ticket(300), signal);
    advance(299_000);
    expect(await resolve(ticket(300), signal)).toBe(first);
    advance(2000);
    expect(await resolve(ticket(300), signal)).toBe(String(Number(first) + 1));
  });

  it('without cacheSeconds every run queries again', async () => {
    const { resolve } = resolver();
    const signal = new AbortController().signal;
    const first = Number(await resolve(ticket(), signal));
    expect(Number(await resolve(ticket(), signal))).toBe(first + 1);
  });
});

describe('legacy import', () => {
  it('an inline ConnectionString becomes a named connection the SQL runner finds, encrypted at rest', async () => {
    let engine: Engine | undefined;
    const sql = createSqlRunner({ connections: (name) => engine!.store.connections.get(name) });
    engine = makeEngine({ runners: [sql] });
    onCleanup(() => sql.close());
    const legacy = {
      schedules: [
        {
          Name: 'Archive Audit',
          CronExpression: '0 0 2 * * ?',
          JobType: 'StoredProcedure',
          JobConfiguration: { ConnectionString: 'Server=127.0.0.1,1;Database=Audit;User Id=a;Password=legacy-pw-1', ProcedureName: 'dbo.usp_Archive' },
        },
      ],
    };
    const file = parseScheduleFileText(JSON.stringify(legacy));
    if (!file.ok) throw new Error(JSON.stringify(file.problems));
    engine.importFile(file.value);
    const schedule = engine.getSchedule('Archive Audit');
    expect(schedule.job).toMatchObject({ type: 'sql', connection: 'legacy-Archive Audit', procedure: 'dbo.usp_Archive' });
    const stored = engine.store.db.prepare('SELECT connection_string FROM connections WHERE name = ?').get('legacy-Archive Audit') as { connection_string: string };
    expect(stored.connection_string).not.toContain('legacy-pw-1');
    const tested = await sql.testConnection('legacy-Archive Audit', { timeoutSeconds: 5 });
    expect(tested).toMatchObject({ ok: false, category: 'refused', message: 'Refused: nothing listens on 127.0.0.1:1 (connection refused)' });
  });
});

async function pollUntil(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error('Timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
