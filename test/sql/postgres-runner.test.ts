import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { createSqlRunner, type SqlRunner } from '../../src-main/engine/runners/sql-runner.ts';
import type { SqlRunResult } from '../../src-main/engine/runners/sql-result.ts';
import type { ConnectionSpec } from '../../src-main/engine/types.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres.ts';
import { sqlContext, sqlJob } from './sql-fixtures.ts';

const DDL = `
CREATE TABLE archive_log (id serial PRIMARY KEY, n_days int, n_note text, n_as_of timestamp);
CREATE TABLE notes (note text);
CREATE TABLE x (id int);
CREATE PROCEDURE usp_archive(days int, OUT rowcount int, asof timestamp DEFAULT NULL, note text DEFAULT NULL) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO archive_log (n_days, n_note, n_as_of) VALUES (days, note, asof);
  RAISE NOTICE 'archived % days', days;
  rowcount := days * 10;
END $$;
CREATE PROCEDURE echo_types(INOUT p_int int, INOUT p_bigint bigint, INOUT p_decimal numeric(12, 2), INOUT p_bit boolean,
  INOUT p_string text, INOUT p_nvarchar text, INOUT p_varchar varchar(20), INOUT p_datetime timestamp,
  INOUT p_datetime2 timestamp, INOUT p_date date, INOUT p_guid uuid) LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE PROCEDURE null_check(a int, b text, c timestamp, d text, OUT a_null boolean, OUT b_null boolean, OUT c_null boolean, OUT d_null boolean)
  LANGUAGE plpgsql AS $$ BEGIN a_null := a IS NULL; b_null := b IS NULL; c_null := c IS NULL; d_null := d IS NULL; END $$;
CREATE FUNCTION numbers(upto int) RETURNS TABLE (n int, label text) LANGUAGE sql AS $$ SELECT g, 'row ' || g FROM generate_series(1, upto) g $$;
CREATE FUNCTION totals(since date, OUT item_count int, OUT total numeric) LANGUAGE sql AS $$ SELECT 3, 12.50::numeric $$;
CREATE PROCEDURE two_sets(upto int, INOUT first_set refcursor DEFAULT NULL, INOUT second_set refcursor DEFAULT NULL) LANGUAGE plpgsql AS $$
BEGIN
  OPEN first_set FOR SELECT g AS n FROM generate_series(1, upto) g;
  OPEN second_set FOR SELECT 'done' AS status, NULL::int AS nothing;
END $$;
CREATE PROCEDURE fail_archive(days int) LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'Archive failed for % days', days; END $$;
CREATE PROCEDURE add_note(note text) LANGUAGE sql AS $$ INSERT INTO notes VALUES (note) $$;
CREATE PROCEDURE proto_named(OUT "__proto__" int, OUT constructor int) LANGUAGE plpgsql AS $$ BEGIN "__proto__" := 7; constructor := 8; END $$;
CREATE PROCEDURE "MixedCase"(OUT answer int) LANGUAGE plpgsql AS $$ BEGIN answer := 42; END $$;
CREATE PROCEDURE whoami(OUT pid int, OUT who text) LANGUAGE plpgsql AS $$ BEGIN pid := pg_backend_pid(); who := current_setting('application_name'); END $$;
`;

let server: PostgresServer;
let runner: SqlRunner;
const connections = new Map<string, ConnectionSpec>();

beforeAll(async () => {
  server = await startPostgres();
  const client = new pg.Client(server.url());
  await client.connect();
  await client.query(DDL);
  await client.end();
  connections.set('pg', { name: 'pg', type: 'postgres', connectionString: server.url() });
  runner = createSqlRunner({ connections: (name) => connections.get(name) });
});

afterAll(async () => {
  await runner?.close();
  await server?.stop();
});

const run = async (fields: Record<string, unknown>, values: Record<string, string | null> = {}) => {
  const ctx = sqlContext(sqlJob(fields), { values });
  const outcome = await runner.run(ctx);
  return { outcome, result: outcome.result as SqlRunResult, stdout: ctx.stdout.text(), stderr: ctx.stderr.text() };
};

describe('PostgreSQL procedures', () => {
  it('calls a procedure with typed inputs and returns its output parameter', async () => {
    const { outcome, result } = await run(
      {
        procedure: 'public.usp_archive',
        parameters: [
          { name: 'Days', type: 'int', value: '{RetentionDays}' },
          { name: 'AsOf', type: 'datetime', value: '2025-01-31T02:30:00+01:00' },
          { name: 'Note', type: 'nvarchar', value: 'nightly' },
          { name: 'RowCount', type: 'int', direction: 'output' },
        ],
      },
      { RetentionDays: '30' },
    );
    expect(outcome).toMatchObject({ ok: true });
    expect(result).toEqual({ connection: 'pg', server: 'postgres', procedure: 'public.usp_archive', kind: 'procedure', output: { RowCount: 300 }, resultSets: [] });
    const rows = await server.admin('SELECT n_days, n_note, n_as_of::text FROM archive_log ORDER BY id DESC LIMIT 1');
    expect(rows.rows[0]).toEqual({ n_days: 30, n_note: 'nightly', n_as_of: '2025-01-31 02:30:00' });
  });

  it('every parameter type makes the round trip exactly (inputOutput)', async () => {
    const p = (name: string, type: string, value: string, extra: Record<string, unknown> = {}) => ({ name, type, value, direction: 'inputOutput', ...extra });
    const { result } = await run({
      procedure: 'echo_types',
      parameters: [
        p('p_int', 'int', '-2147483648'),
        p('p_bigint', 'bigint', '9007199254740993'),
        p('p_decimal', 'decimal', '1234567890.25', { precision: 12, scale: 2 }),
        p('p_bit', 'bit', 'true'),
        p('p_string', 'string', 'héllo wörld'),
        p('p_nvarchar', 'nvarchar', '日本語'),
        p('p_varchar', 'varchar', 'plain', { length: 20 }),
        p('p_datetime', 'datetime', '2025-01-31T14:30:00.123'),
        p('p_datetime2', 'datetime2', '2025-01-31T14:30:00.123456'),
        p('p_date', 'date', '2024-02-29'),
        p('p_guid', 'uniqueidentifier', '{6F9619FF-8B86-D011-B42D-00C04FC964FF}'),
      ],
    });
    expect(result.output).toEqual({
      p_int: -2147483648,
      p_bigint: '9007199254740993',
      p_decimal: '1234567890.25',
      p_bit: true,
      p_string: 'héllo wörld',
      p_nvarchar: '日本語',
      p_varchar: 'plain',
      p_datetime: '2025-01-31 14:30:00.123',
      p_datetime2: '2025-01-31 14:30:00.123456',
      p_date: '2024-02-29',
      p_guid: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
    });
  });

  it('null, an omitted value and a placeholder holding null all arrive as SQL NULL; an empty string does not', async () => {
    const { result } = await run(
      {
        procedure: 'null_check',
        parameters: [
          { name: 'a', type: 'int', value: null },
          { name: 'b', type: 'string', value: '{Nothing}' },
          { name: 'c', type: 'datetime' },
          { name: 'd', type: 'string', value: '' },
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
    const hostile = "'); DROP TABLE x; --";
    const { outcome } = await run({ procedure: 'add_note', parameters: [{ name: 'note', type: 'string', value: hostile }] });
    expect(outcome.ok).toBe(true);
    expect((await server.admin('SELECT note FROM notes')).rows).toEqual([{ note: hostile }]);
    expect((await server.admin("SELECT to_regclass('public.x') IS NOT NULL AS present")).rows[0]).toEqual({ present: true });
  });

  it('a quoted procedure name keeps its case; an unquoted one is folded as PostgreSQL folds it', async () => {
    const quoted = await run({ procedure: 'public."MixedCase"', parameters: [{ name: 'answer', type: 'int', direction: 'output' }] });
    expect(quoted.result.output).toEqual({ answer: 42 });
    const folded = await run({ procedure: 'Public.USP_Archive', parameters: [{ name: 'Days', type: 'int', value: '1' }, { name: 'RowCount', type: 'int', direction: 'output' }] });
    expect(folded.result.output).toEqual({ RowCount: 10 });
  });

  it('output parameters named __proto__ or constructor come back like any other name', async () => {
    const { result } = await run({
      procedure: 'proto_named',
      parameters: [{ name: '__proto__', type: 'int', direction: 'output' }, { name: 'constructor', type: 'int', direction: 'output' }],
    });
    expect(Object.entries(result.output)).toEqual([['__proto__', 7], ['constructor', 8]]);
    expect(JSON.stringify(result.output)).toBe('{"__proto__":7,"constructor":8}');
  });

  it('notices (RAISE NOTICE) and the result go to the output as text', async () => {
    const { stdout } = await run({ procedure: 'usp_archive', parameters: [{ name: 'Days', type: 'int', value: '7' }, { name: 'RowCount', type: 'int', direction: 'output' }] });
    expect(stdout).toContain("Calling usp_archive on 'pg' (PostgreSQL, 127.0.0.1:");
    expect(stdout).toContain('archived 7 days\n');
    expect(stdout).toContain('Output parameters:\n  RowCount = 70\n');
  });

  it('with captureResultSets, the refcursors a procedure opens become result sets', async () => {
    const { result, stdout } = await run({ procedure: 'two_sets', captureResultSets: true, maxRows: 2, parameters: [{ name: 'upto', type: 'int', value: '5' }] });
    expect(result.resultSets).toEqual([
      { columns: ['n'], rows: [[1], [2]], totalRows: 5, truncated: true },
      { columns: ['status', 'nothing'], rows: [['done', null]], totalRows: 1, truncated: false },
    ]);
    expect(result.output).toEqual({});
    expect(stdout).toContain('Result set 1 (first 2 of 5 rows; the rest were cut at maxRows):\nn\n-\n1\n2\n');
    expect(stdout).toContain('Result set 2 (1 row):\nstatus | nothing\n-------+--------\ndone   | NULL\n');
  });
});

describe('PostgreSQL functions', () => {
  it("a function's rows are one result set, capped at maxRows and marked when cut", async () => {
    const { result } = await run({ procedure: 'numbers', kind: 'function', captureResultSets: true, maxRows: 3, parameters: [{ name: 'upto', type: 'int', value: '1000' }] });
    expect(result.resultSets).toEqual([{ columns: ['n', 'label'], rows: [[1, 'row 1'], [2, 'row 2'], [3, 'row 3']], totalRows: 1000, truncated: true }]);
  });

  it('a result set under the cap is whole and not marked', async () => {
    const { result } = await run({ procedure: 'numbers', kind: 'function', captureResultSets: true, maxRows: 3, parameters: [{ name: 'upto', type: 'int', value: '2' }] });
    expect(result.resultSets[0]).toEqual({ columns: ['n', 'label'], rows: [[1, 'row 1'], [2, 'row 2']], totalRows: 2, truncated: false });
  });

  it("a function's OUT parameters are read from its row; without captureResultSets no rows are kept", async () => {
    const { result } = await run({
      procedure: 'totals',
      kind: 'function',
      parameters: [{ name: 'since', type: 'date', value: '2025-01-01' }, { name: 'item_count', type: 'int', direction: 'output' }, { name: 'Total', type: 'decimal', direction: 'output' }],
    });
    expect(result).toMatchObject({ kind: 'function', output: { item_count: 3, Total: '12.50' }, resultSets: [] });
  });
});

describe('PostgreSQL failures', () => {
  it("a procedure that raises fails the run with the database's message, and may be retried", async () => {
    const { outcome, stderr } = await run({ procedure: 'fail_archive', parameters: [{ name: 'days', type: 'int', value: '7' }] });
    expect(outcome).toMatchObject({ ok: false, retryable: true, error: "Procedure fail_archive on 'pg' failed: Archive failed for 7 days" });
    expect(outcome.errorDetail).toContain('code P0001');
    expect(stderr).toContain('Archive failed for 7 days');
  });

  it('an unknown procedure fails without retry', async () => {
    const { outcome } = await run({ procedure: 'no_such_proc' });
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toMatch(/^Procedure no_such_proc on 'pg' failed: procedure no_such_proc\(\) does not exist/);
  });

  it('a value that does not fit its type fails before anything is sent', async () => {
    const before = (await server.admin('SELECT count(*)::int AS n FROM archive_log')).rows[0];
    await expect(run({ procedure: 'usp_archive', parameters: [{ name: 'Days', type: 'int', value: '{RetentionDays}' }] }, { RetentionDays: 'abc' })).rejects.toThrow(
      new NonRetryableError("Parameter 'Days' (int): `abc` is not an integer"),
    );
    expect((await server.admin('SELECT count(*)::int AS n FROM archive_log')).rows[0]).toEqual(before);
  });

  it('an unknown connection name fails without retry', async () => {
    await expect(run({ connection: 'nope', procedure: 'p' })).rejects.toThrow("No connection named 'nope'");
  });

  it('a connection that refuses fails the run saying so, and may be retried', async () => {
    connections.set('closed', { name: 'closed', type: 'postgres', connectionString: server.url({ port: 1 }) });
    const { outcome } = await run({ connection: 'closed', procedure: 'p' });
    expect(outcome).toMatchObject({ ok: false, retryable: true, error: "Could not connect to 'closed': Refused: nothing listens on 127.0.0.1:1 (connection refused)" });
  });

  it('a wrong password fails without retry and the password is not in the message', async () => {
    connections.set('badlogin', { name: 'badlogin', type: 'postgres', connectionString: server.url({ password: 'wrong-password-123' }) });
    const { outcome } = await run({ connection: 'badlogin', procedure: 'p' });
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toBe(`Could not connect to 'badlogin': Login failed for user 'batchlight': password authentication failed for user "batchlight"`);
  });
});

describe('PostgreSQL pools', () => {
  const backend = async (connection = 'pg') => (await run({ connection, procedure: 'whoami', parameters: [{ name: 'pid', type: 'int', direction: 'output' }, { name: 'who', type: 'string', direction: 'output' }] })).result.output;

  it('one pool per connection: consecutive runs reuse the same server session', async () => {
    const first = await backend();
    const second = await backend();
    expect(second.pid).toBe(first.pid);
    expect(first.who).toBe('Batchlight');
  });

  it('an edited connection string takes effect at the next run, and the old pool is closed', async () => {
    connections.set('editable', { name: 'editable', type: 'postgres', connectionString: server.url() });
    const before = await backend('editable');
    connections.set('editable', { name: 'editable', type: 'postgres', connectionString: `${server.url()}?application_name=edited` });
    const after = await backend('editable');
    expect(after.who).toBe('edited');
    expect(after.pid).not.toBe(before.pid);
    await waitForGone(before.pid as number);
  });

  it('close() ends every pooled session', async () => {
    const own = createSqlRunner({ connections: (name) => connections.get(name) });
    const ctx = sqlContext(sqlJob({ procedure: 'whoami', parameters: [{ name: 'pid', type: 'int', direction: 'output' }, { name: 'who', type: 'string', direction: 'output' }] }));
    const { pid } = ((await own.run(ctx)).result as SqlRunResult).output;
    await own.close();
    await waitForGone(pid as number);
  });
});

async function waitForGone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const { rows } = await server.admin<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rows[0]?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Server session ${pid} is still open`);
}
