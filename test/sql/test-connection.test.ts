import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src-main/cli/context.ts';
import { testConnection } from '../../src-main/cli/sql-commands.ts';
import { parseScheduleFileText } from '../../src-main/engine/config/validate.ts';
import { createSqlRunner } from '../../src-main/engine/runners/sql-runner.ts';
import { testSqlConnection } from '../../src-main/engine/runners/sql-test-connection.ts';
import type { ConnectionSpec } from '../../src-main/engine/types.ts';
import { makeEngine, tempDir } from '../helpers/engine-harness.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres.ts';
import { sqlContext, sqlJob } from './sql-fixtures.ts';

let server: PostgresServer;
let closedPort: number;

beforeAll(async () => {
  server = await startPostgres();
  closedPort = await unusedPort();
});

afterAll(async () => {
  await server?.stop();
});

const postgres = (connectionString: string): ConnectionSpec => ({ name: 'reporting', type: 'postgres', connectionString });
const sqlserver = (connectionString: string): ConnectionSpec => ({ name: 'legacy', type: 'sqlserver', connectionString });

describe('test connection: PostgreSQL', () => {
  it('a good connection says where it connected, as whom, and the server version', async () => {
    const result = await testSqlConnection(postgres(server.url()));
    expect(result).toMatchObject({ ok: true, connection: 'reporting', database: 'batchlight_test', user: 'batchlight' });
    expect(result.serverVersion).toMatch(/^PostgreSQL \d+/);
    expect(result.message).toMatch(new RegExp(`^Connected to 'reporting' at 127\\.0\\.0\\.1:${server.port}: database batchlight_test as batchlight; PostgreSQL \\d+`));
  });

  it('a wrong password is a login failure naming the user, never the password', async () => {
    const result = await testSqlConnection(postgres(server.url({ password: 'not-the-password' })));
    expect(result).toEqual({
      ok: false,
      connection: 'reporting',
      category: 'login',
      target: `127.0.0.1:${server.port}`,
      message: `Login failed for user 'batchlight': password authentication failed for user "batchlight"`,
    });
  });

  it('an unknown user is a login failure too', async () => {
    const result = await testSqlConnection(postgres(server.url({ user: 'nobody' })));
    expect(result).toMatchObject({ ok: false, category: 'login' });
    expect(result.message).toMatch(/^Login failed for user 'nobody'/);
  });

  it('a database that does not exist is named', async () => {
    const result = await testSqlConnection(postgres(server.url({ database: 'no_such_db' })));
    expect(result).toMatchObject({ ok: false, category: 'database', message: `Database 'no_such_db' does not exist or is not accessible: database "no_such_db" does not exist` });
  });

  it('nothing listening on the port is "refused", with host and port', async () => {
    const result = await testSqlConnection(postgres(server.url({ port: closedPort })));
    expect(result).toMatchObject({ ok: false, category: 'refused', message: `Refused: nothing listens on 127.0.0.1:${closedPort} (connection refused)` });
  });

  it('a host name that does not resolve is a DNS failure', async () => {
    const result = await testSqlConnection(postgres('postgres://u:p@batchlight-no-such-host.invalid:5432/db'));
    expect(result).toMatchObject({ ok: false, category: 'dns' });
    expect(result.message).toMatch(/^DNS: cannot resolve host 'batchlight-no-such-host\.invalid' \((ENOTFOUND|EAI_AGAIN)\)$/);
  });

  it('requiring TLS from a server without it is a TLS failure', async () => {
    const result = await testSqlConnection(postgres(`${server.url()}?sslmode=require`));
    expect(result).toMatchObject({ ok: false, category: 'tls', message: 'TLS: The server does not support SSL connections' });
  });

  it('a connection string that cannot be read is a configuration problem', async () => {
    const result = await testSqlConnection(postgres('Host=db;Colour=blue'));
    expect(result).toEqual({
      ok: false,
      connection: 'reporting',
      category: 'config',
      message: "Connection string of 'reporting': Keyword 'colour' not supported in a PostgreSQL connection string",
    });
  });
});

describe('test connection: SQL Server (what can be told without a server)', () => {
  it('nothing listening on the port is "refused"', async () => {
    const result = await testSqlConnection(sqlserver(`Server=127.0.0.1,${closedPort};Database=x;User Id=u;Password=p;TrustServerCertificate=True`), { timeoutSeconds: 5 });
    expect(result).toMatchObject({ ok: false, category: 'refused', message: `Refused: nothing listens on 127.0.0.1:${closedPort} (connection refused)` });
  });

  it('a host name that does not resolve is a DNS failure', async () => {
    const result = await testSqlConnection(sqlserver('Server=batchlight-no-such-host.invalid;User Id=u;Password=p'), { timeoutSeconds: 5 });
    expect(result).toMatchObject({ ok: false, category: 'dns' });
  });

  it('a run on a SQL Server connection that refuses fails saying so, and may be retried', async () => {
    const spec = sqlserver(`Server=127.0.0.1,${closedPort};User Id=u;Password=p`);
    const runner = createSqlRunner({ connections: (name) => (name === spec.name ? spec : undefined) });
    try {
      const outcome = await runner.run(sqlContext(sqlJob({ connection: 'legacy', procedure: 'dbo.usp_Archive' })));
      expect(outcome).toMatchObject({ ok: false, retryable: true, error: `Could not connect to 'legacy': Refused: nothing listens on 127.0.0.1:${closedPort} (connection refused)` });
    } finally {
      await runner.close();
    }
  });

  it('Integrated Security without an account says which driver it needs', async () => {
    const result = await testSqlConnection(sqlserver('Server=sql01;Trusted_Connection=True'));
    expect(result).toMatchObject({ ok: false, category: 'config' });
    expect(result.message).toContain('needs the msnodesqlv8 driver');
  });
});

describe('batchlight test-connection NAME', () => {
  async function cli(positionals: string[], flags: Record<string, string | boolean> = {}) {
    const dataDir = tempDir();
    const file = parseScheduleFileText(
      JSON.stringify({
        connections: [
          { name: 'reporting', type: 'postgres', connectionString: server.url() },
          { name: 'broken', type: 'postgres', connectionString: server.url({ password: 'wrong-one' }) },
        ],
      }),
    );
    if (!file.ok) throw new Error(JSON.stringify(file.problems));
    makeEngine({ dataDir }).importFile(file.value);
    const out: string[] = [];
    const err: string[] = [];
    const ctx = createContext(positionals, { data: dataDir, ...flags }, { out: (t) => out.push(t), err: (t) => err.push(t) });
    try {
      const code = await testConnection(ctx).catch((error: Error) => error);
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      await ctx.close();
    }
  }

  it('prints what it connected to and exits 0', async () => {
    const { code, out } = await cli(['reporting']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Connected to 'reporting' at 127\.0\.0\.1:\d+: database batchlight_test as batchlight; PostgreSQL/);
  });

  it('prints what failed and exits 1', async () => {
    const { code, err } = await cli(['broken']);
    expect(code).toBe(1);
    expect(err).toBe(`batchlight test-connection: broken: Login failed for user 'batchlight': password authentication failed for user "batchlight"`);
  });

  it('--json prints the result object', async () => {
    const { code, out } = await cli(['broken'], { json: true });
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, connection: 'broken', category: 'login' });
  });

  it('an unknown name lists the known ones', async () => {
    const { code } = await cli(['nope']);
    expect(code).toBeInstanceOf(Error);
    expect((code as Error).message).toBe("No connection named 'nope' (known: broken, reporting)");
  });
});

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
