/**
 * The SQL Server integration suite, the same cases as the PostgreSQL one. No SQL Server can run
 * on the CI machines, so it runs only when BATCHLIGHT_TEST_MSSQL holds a connection string to a
 * scratch database it may create a schema `bl_test` in (dropped again afterwards). The login
 * needs VIEW SERVER STATE for the timeout test (it reads sys.dm_exec_requests).
 *
 * Against a container (Linux or WSL, Docker):
 *   docker run -e ACCEPT_EULA=Y -e MSSQL_SA_PASSWORD='Batchlight#2025' -p 1433:1433 -d mcr.microsoft.com/mssql/server:2022-latest
 *   docker exec <id> /opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P 'Batchlight#2025' -Q 'CREATE DATABASE batchlight_test'
 *   BATCHLIGHT_TEST_MSSQL='Server=localhost,1433;Database=batchlight_test;User Id=sa;Password=Batchlight#2025;TrustServerCertificate=True' npx vitest run test/sql/mssql.test.ts
 * Against SQL Server Express on Windows: enable TCP/IP in SQL Server Configuration Manager (and
 * SQL authentication, mixed mode), create the database, then in PowerShell:
 *   $env:BATCHLIGHT_TEST_MSSQL='Server=localhost\SQLEXPRESS;Database=batchlight_test;User Id=batch;Password=...;TrustServerCertificate=True'
 *   npx vitest run test/sql/mssql.test.ts
 */
import sql from 'mssql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScheduleFileText } from '../../src-main/engine/config/validate.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { parseMssqlConnectionString } from '../../src-main/engine/runners/sql-connection-string.ts';
import { mssqlConfig } from '../../src-main/engine/runners/sql-mssql.ts';
import type { SqlRunResult } from '../../src-main/engine/runners/sql-result.ts';
import { createSqlRunner, type SqlRunner } from '../../src-main/engine/runners/sql-runner.ts';
import { testSqlConnection } from '../../src-main/engine/runners/sql-test-connection.ts';
import type { ConnectionSpec } from '../../src-main/engine/types.ts';
import { makeEngine, nodeJob, onCleanup, waitForEnd } from '../helpers/engine-harness.ts';
import { sqlContext, sqlJob } from './sql-fixtures.ts';

const CONNECTION = process.env.BATCHLIGHT_TEST_MSSQL ?? '';
if (!CONNECTION) {
  console.warn('SQL Server integration tests skipped: no SQL Server runs here. Set BATCHLIGHT_TEST_MSSQL to a connection string to run them (see test/sql/mssql.test.ts).');
}

const SETUP = [
  "IF SCHEMA_ID('bl_test') IS NULL EXEC('CREATE SCHEMA bl_test')",
  "IF OBJECT_ID('bl_test.archive_log') IS NULL CREATE TABLE bl_test.archive_log (id int IDENTITY PRIMARY KEY, n_days int, n_note nvarchar(100), n_as_of datetime)",
  "IF OBJECT_ID('bl_test.notes') IS NULL CREATE TABLE bl_test.notes (note nvarchar(200))",
  "IF OBJECT_ID('bl_test.x') IS NULL CREATE TABLE bl_test.x (id int)",
  "IF OBJECT_ID('bl_test.batches') IS NULL CREATE TABLE bl_test.batches (id int, label nvarchar(20)); DELETE FROM bl_test.batches; INSERT INTO bl_test.batches VALUES (7, N'seven')",
  `CREATE OR ALTER PROCEDURE bl_test.usp_Archive @Days int, @RowCount int OUTPUT, @AsOf datetime = NULL, @Note nvarchar(100) = NULL AS
BEGIN
  SET NOCOUNT ON;
  INSERT INTO bl_test.archive_log (n_days, n_note, n_as_of) VALUES (@Days, @Note, @AsOf);
  PRINT CONCAT('archived ', @Days, ' days');
  SET @RowCount = @Days * 10;
  RETURN 7;
END`,
  `CREATE OR ALTER PROCEDURE bl_test.echo_types @p_int int OUTPUT, @p_bigint bigint OUTPUT, @p_decimal decimal(12, 2) OUTPUT, @p_bit bit OUTPUT,
  @p_string nvarchar(100) OUTPUT, @p_nvarchar nvarchar(100) OUTPUT, @p_varchar varchar(20) OUTPUT, @p_datetime datetime OUTPUT,
  @p_datetime2 datetime2 OUTPUT, @p_date date OUTPUT, @p_guid uniqueidentifier OUTPUT AS RETURN 0`,
  `CREATE OR ALTER PROCEDURE bl_test.null_check @a int, @b nvarchar(10), @c datetime, @d nvarchar(10),
  @a_null bit OUTPUT, @b_null bit OUTPUT, @c_null bit OUTPUT, @d_null bit OUTPUT AS
BEGIN
  SET @a_null = IIF(@a IS NULL, 1, 0); SET @b_null = IIF(@b IS NULL, 1, 0);
  SET @c_null = IIF(@c IS NULL, 1, 0); SET @d_null = IIF(@d IS NULL, 1, 0);
END`,
  `CREATE OR ALTER PROCEDURE bl_test.two_sets @upto int AS
BEGIN
  SET NOCOUNT ON;
  SELECT TOP (@upto) CAST(ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS int) AS n FROM sys.all_objects a CROSS JOIN sys.all_objects b;
  SELECT 'done' AS status, NULL AS nothing, 1 AS same, 2 AS same;
END`,
  'CREATE OR ALTER FUNCTION bl_test.fn_numbers(@upto int) RETURNS TABLE AS RETURN SELECT TOP (@upto) CAST(ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS int) AS n FROM sys.all_objects a CROSS JOIN sys.all_objects b',
  "CREATE OR ALTER PROCEDURE bl_test.fail_archive @days int AS THROW 50001, 'Archive failed', 1",
  'CREATE OR ALTER PROCEDURE bl_test.add_note @note nvarchar(200) AS INSERT INTO bl_test.notes VALUES (@note)',
  "CREATE OR ALTER PROCEDURE bl_test.slow AS WAITFOR DELAY '00:02:00'",
];
const TEARDOWN = [
  'DROP PROCEDURE IF EXISTS bl_test.usp_Archive, bl_test.echo_types, bl_test.null_check, bl_test.two_sets, bl_test.fail_archive, bl_test.add_note, bl_test.slow',
  'DROP FUNCTION IF EXISTS bl_test.fn_numbers',
  'DROP TABLE IF EXISTS bl_test.archive_log, bl_test.notes, bl_test.x, bl_test.batches',
  "IF SCHEMA_ID('bl_test') IS NOT NULL DROP SCHEMA bl_test",
];

describe.skipIf(!CONNECTION)('SQL Server integration (needs BATCHLIGHT_TEST_MSSQL)', () => {
  let admin: sql.ConnectionPool;
  let runner: SqlRunner;
  const connections = new Map<string, ConnectionSpec>();

  beforeAll(async () => {
    admin = new sql.ConnectionPool(mssqlConfig(parseMssqlConnectionString(CONNECTION)));
    await admin.connect();
    for (const batch of SETUP) await admin.request().batch(batch);
    connections.set('mssql', { name: 'mssql', type: 'sqlserver', connectionString: CONNECTION });
    runner = createSqlRunner({ connections: (name) => connections.get(name) });
  }, 60_000);

  afterAll(async () => {
    await runner?.close();
    if (admin?.connected) {
      for (const batch of TEARDOWN) await admin.request().batch(batch).catch(() => {});
      await admin.close();
    }
  });

  const run = async (fields: Record<string, unknown>, values: Record<string, string | null> = {}) => {
    const ctx = sqlContext(sqlJob({ connection: 'mssql', ...fields }), { values });
    const outcome = await runner.run(ctx);
    return { outcome, result: outcome.result as SqlRunResult, stdout: ctx.stdout.text() };
  };
  const query = async <T>(text: string) => (await admin.request().query<T>(text)).recordset;

  it('calls a procedure with typed inputs; returns its RETURN value and output parameter', async () => {
    const { outcome, result, stdout } = await run(
      {
        procedure: 'bl_test.usp_Archive',
        parameters: [
          { name: 'Days', type: 'int', value: '{RetentionDays}' },
          { name: 'AsOf', type: 'datetime', value: '2025-01-31T02:30:00+01:00' },
          { name: 'Note', type: 'nvarchar', length: 100, value: 'nightly' },
          { name: 'RowCount', type: 'int', direction: 'output' },
        ],
      },
      { RetentionDays: '30' },
    );
    expect(outcome.ok).toBe(true);
    expect(result).toMatchObject({ server: 'sqlserver', returnValue: 7, output: { RowCount: 300 }, resultSets: [] });
    expect(stdout).toContain('archived 30 days\n');
    const [row] = await query<{ n_days: number; n_note: string; as_of: string }>(
      'SELECT TOP 1 n_days, n_note, CONVERT(varchar(19), n_as_of, 126) AS as_of FROM bl_test.archive_log ORDER BY id DESC',
    );
    expect(row).toEqual({ n_days: 30, n_note: 'nightly', as_of: '2025-01-31T02:30:00' });
  });

  it('every parameter type makes the round trip (inputOutput)', async () => {
    const p = (name: string, type: string, value: string, extra: Record<string, unknown> = {}) => ({ name, type, value, direction: 'inputOutput', ...extra });
    const { result } = await run({
      procedure: 'bl_test.echo_types',
      parameters: [
        p('p_int', 'int', '-2147483648'),
        p('p_bigint', 'bigint', '9007199254740993'),
        p('p_decimal', 'decimal', '1234567890.25', { precision: 12, scale: 2 }),
        p('p_bit', 'bit', 'true'),
        p('p_string', 'string', 'héllo wörld', { length: 100 }),
        p('p_nvarchar', 'nvarchar', '日本語', { length: 100 }),
        p('p_varchar', 'varchar', 'plain', { length: 20 }),
        p('p_datetime', 'datetime', '2025-01-31T14:30:00.123'),
        p('p_datetime2', 'datetime2', '2025-01-31T14:30:00.1234567'),
        p('p_date', 'date', '2024-02-29'),
        p('p_guid', 'uniqueidentifier', '{6F9619FF-8B86-D011-B42D-00C04FC964FF}'),
      ],
    });
    expect({ ...result.output, p_bigint: String(result.output.p_bigint), p_guid: String(result.output.p_guid).toLowerCase() }).toEqual({
      p_int: -2147483648,
      p_bigint: '9007199254740993',
      p_decimal: 1234567890.25,
      p_bit: true,
      p_string: 'héllo wörld',
      p_nvarchar: '日本語',
      p_varchar: 'plain',
      p_datetime: '2025-01-31T14:30:00.123',
      p_datetime2: '2025-01-31T14:30:00.123',
      p_date: '2024-02-29',
      p_guid: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
    });
  });

  it('null, an omitted value and a placeholder holding null arrive as NULL; an empty string does not', async () => {
    const { result } = await run(
      {
        procedure: 'bl_test.null_check',
        parameters: [
          { name: 'a', type: 'int', value: null },
          { name: 'b', type: 'nvarchar', length: 10, value: '{Nothing}' },
          { name: 'c', type: 'datetime' },
          { name: 'd', type: 'nvarchar', length: 10, value: '' },
          { name: 'a_null', type: 'bit', direction: 'output' },
          { name: 'b_null', type: 'bit', direction: 'output' },
          { name: 'c_null', type: 'bit', direction: 'output' },
          { name: 'd_null', type: 'bit', direction: 'output' },
        ],
      },
      { Nothing: null },
    );
    expect(result.output).toEqual({ a_null: true, b_null: true, c_null: true, d_null: false });
  });

  it("a value holding '; DROP TABLE x; -- is stored as text and x survives", async () => {
    const hostile = "'); DROP TABLE bl_test.x; --";
    expect((await run({ procedure: 'bl_test.add_note', parameters: [{ name: 'note', type: 'nvarchar', length: 200, value: hostile }] })).outcome.ok).toBe(true);
    expect(await query('SELECT note FROM bl_test.notes')).toEqual([{ note: hostile }]);
    expect(await query("SELECT IIF(OBJECT_ID('bl_test.x') IS NULL, 0, 1) AS present")).toEqual([{ present: 1 }]);
  });

  it('every result set is captured, capped at maxRows and marked when cut; duplicate column names survive', async () => {
    const { result, stdout } = await run({ procedure: 'bl_test.two_sets', captureResultSets: true, maxRows: 2, parameters: [{ name: 'upto', type: 'int', value: '5' }] });
    expect(result.resultSets).toEqual([
      { columns: ['n'], rows: [[1], [2]], totalRows: 5, truncated: true },
      { columns: ['status', 'nothing', 'same', 'same'], rows: [['done', null, 1, 2]], totalRows: 1, truncated: false },
    ]);
    expect(stdout).toContain('Result set 1 (first 2 of 5 rows; the rest were cut at maxRows)');
  });

  it('a table-valued function is called through SELECT', async () => {
    const { result } = await run({ procedure: 'bl_test.fn_numbers', kind: 'function', captureResultSets: true, maxRows: 10, parameters: [{ name: 'upto', type: 'int', value: '3' }] });
    expect(result.resultSets).toEqual([{ columns: ['n'], rows: [[1], [2], [3]], totalRows: 3, truncated: false }]);
  });

  it("a procedure that throws fails the run with the server's message", async () => {
    const { outcome } = await run({ procedure: 'bl_test.fail_archive', parameters: [{ name: 'days', type: 'int', value: '7' }] });
    expect(outcome).toMatchObject({ ok: false, retryable: true, error: "Procedure bl_test.fail_archive on 'mssql' failed: Archive failed" });
  });

  it('an unknown procedure fails without retry', async () => {
    const { outcome } = await run({ procedure: 'bl_test.no_such_proc' });
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toContain("Could not find stored procedure 'bl_test.no_such_proc'");
  });

  it('a value that does not fit its type fails before anything is sent', async () => {
    await expect(run({ procedure: 'bl_test.usp_Archive', parameters: [{ name: 'Days', type: 'int', value: 'abc' }] })).rejects.toThrow(
      new NonRetryableError("Parameter 'Days' (int): `abc` is not an integer"),
    );
  });

  it('a cancel stops WAITFOR on the server (ATTENTION), not only locally', async () => {
    const controller = new AbortController();
    const ctx = sqlContext(sqlJob({ connection: 'mssql', procedure: 'bl_test.slow' }), { signal: controller.signal });
    const running = runner.run(ctx);
    await pollUntil(async () => (await waiting()) === 1);
    controller.abort(new Error('cancelled by test'));
    await expect(running).rejects.toThrow('cancelled by test');
    await pollUntil(async () => (await waiting()) === 0);
  });

  it('a timeout through the engine ends as timed_out and stops WAITFOR on the server', async () => {
    const engine = mssqlEngine([{ name: 'slow', job: { type: 'sql', connection: 'mssql', procedure: 'bl_test.slow', timeoutSeconds: 1 } }]);
    await engine.start();
    const ended = await waitForEnd(engine, engine.trigger('slow').id, 20_000);
    expect(ended.status).toBe('timed_out');
    await pollUntil(async () => (await waiting()) === 0);
  });

  it("a dynamic parameter takes the query's first value; a failing query names the parameter, the connection and the message", async () => {
    const engine = mssqlEngine([
      {
        name: 'dated',
        parameters: [{ name: 'CurrentDate', type: 'string', query: { connection: 'mssql', sql: 'SELECT CONVERT(VARCHAR(10), GETDATE(), 120)' } }],
        job: nodeJob('', { arguments: ['-e', 'process.stdout.write(process.argv[1])', '{CurrentDate}'] }),
      },
      {
        name: 'broken',
        parameters: [{ name: 'CurrentDate', type: 'string', query: { connection: 'mssql', sql: 'SELECT x FROM bl_test.batches' } }],
        job: nodeJob('process.stdout.write("ran")'),
      },
    ]);
    await engine.start();
    const dated = await waitForEnd(engine, engine.trigger('dated').id);
    expect(dated.stdoutTail).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const broken = await waitForEnd(engine, engine.trigger('broken').id);
    expect(broken).toMatchObject({ status: 'failed', error: "Failed to resolve parameter 'CurrentDate' on 'mssql': Invalid column name 'x'.", stdoutTail: null });
  });

  it('test connection: success, a wrong password and an unknown database are told apart', async () => {
    expect(await testSqlConnection({ name: 'mssql', type: 'sqlserver', connectionString: CONNECTION })).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^Microsoft SQL Server/) });
    expect(await testSqlConnection({ name: 'm', type: 'sqlserver', connectionString: `${CONNECTION};Password=wrong-password` })).toMatchObject({ ok: false, category: 'login' });
    expect(await testSqlConnection({ name: 'm', type: 'sqlserver', connectionString: `${CONNECTION};Database=batchlight_no_such_db` })).toMatchObject({ ok: false, category: 'database' });
  });

  /** Requests of other sessions sitting in WAITFOR. */
  async function waiting(): Promise<number> {
    const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM sys.dm_exec_requests WHERE wait_type = 'WAITFOR' AND session_id <> @@SPID");
    return row?.n ?? 0;
  }

  function mssqlEngine(schedules: Array<Record<string, unknown>>): Engine {
    let engine: Engine | undefined;
    const sqlRunner = createSqlRunner({ connections: (name) => engine!.store.connections.get(name) });
    engine = makeEngine({ runners: [sqlRunner], resolveQuery: sqlRunner.resolveQuery });
    onCleanup(() => sqlRunner.close());
    const file = parseScheduleFileText(
      JSON.stringify({
        connections: [{ name: 'mssql', type: 'sqlserver', connectionString: CONNECTION }],
        schedules: schedules.map((s) => ({ cron: '0 0 1 1 *', timezone: 'UTC', ...s })),
      }),
    );
    if (!file.ok) throw new Error(JSON.stringify(file.problems));
    engine.importFile(file.value);
    return engine;
  }
});

async function pollUntil(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error('Timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
