/**
 * The test-connection action (CLI `batchlight test-connection NAME`, later the UI): opens one
 * fresh connection with the stored connection string, asks the server who and where it is, and
 * says plainly what failed otherwise: DNS, refused, login, database, TLS, timeout. It never uses
 * the runner's pools, so it tests exactly what is stored now.
 */
import sql from 'mssql';
import pg from 'pg';
import { toError } from '../errors.ts';
import type { ConnectionSpec } from '../types.ts';
import { describeTarget, parseMssqlConnectionString, parsePostgresConnectionString } from './sql-connection-string.ts';
import { classifySqlError, type SqlErrorCategory, type SqlTarget } from './sql-errors.ts';
import { mssqlConfig } from './sql-mssql.ts';
import { postgresConfig } from './sql-postgres.ts';

/** What a test connection found. */
export interface TestConnectionResult {
  ok: boolean;
  connection: string;
  /** What failed; `config` when the connection string itself is wrong or the name unknown. */
  category?: SqlErrorCategory | 'config';
  /** One line for the operator. */
  message: string;
  target?: string;
  serverVersion?: string;
  database?: string;
  user?: string;
}

export interface TestConnectionOptions {
  /** How long to wait for the server; default the connection string's, else 15 s. */
  timeoutSeconds?: number;
}

/** Tests one connection; never throws. */
export async function testSqlConnection(spec: ConnectionSpec, options: TestConnectionOptions = {}): Promise<TestConnectionResult> {
  let target: SqlTarget;
  let connect: () => Promise<{ version: string; database: string; user: string }>;
  try {
    if (spec.type === 'postgres') {
      const parsed = parsePostgresConnectionString(spec.connectionString);
      if (options.timeoutSeconds !== undefined) parsed.connectTimeoutSeconds = options.timeoutSeconds;
      target = { target: describeTarget(parsed), host: parsed.host, user: parsed.user, database: parsed.database };
      const config = postgresConfig(parsed);
      connect = () => postgresIdentity(config);
    } else {
      const parsed = parseMssqlConnectionString(spec.connectionString);
      if (options.timeoutSeconds !== undefined) parsed.connectTimeoutSeconds = options.timeoutSeconds;
      target = { target: describeTarget(parsed), host: parsed.server, user: parsed.user, database: parsed.database };
      const config = mssqlConfig(parsed);
      connect = () => mssqlIdentity(config);
    }
  } catch (error) {
    return { ok: false, connection: spec.name, category: 'config', message: `Connection string of '${spec.name}': ${toError(error).message}` };
  }
  try {
    const identity = await connect();
    const version = identity.version.split('\n')[0]!.trim();
    return {
      ok: true,
      connection: spec.name,
      target: target.target,
      serverVersion: version,
      database: identity.database,
      user: identity.user,
      message: `Connected to '${spec.name}' at ${target.target}: database ${identity.database} as ${identity.user}; ${version}`,
    };
  } catch (error) {
    const classified = classifySqlError(error, target);
    return { ok: false, connection: spec.name, category: classified.category, target: target.target, message: classified.message };
  }
}

async function postgresIdentity(config: pg.PoolConfig) {
  const client = new pg.Client(config);
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ version: string; database: string; user: string }>(
      'SELECT version() AS version, current_database() AS database, current_user AS "user"',
    );
    return result.rows[0]!;
  } finally {
    await client.end().catch(() => {});
  }
}

async function mssqlIdentity(config: sql.config) {
  const pool = new sql.ConnectionPool({ ...config, pool: { max: 1, min: 0 } });
  pool.on('error', () => {});
  try {
    await pool.connect();
    const result = await pool
      .request()
      .query<{ version: string; database: string; user: string }>('SELECT @@VERSION AS version, DB_NAME() AS [database], SUSER_SNAME() AS [user]');
    return result.recordset[0]!;
  } finally {
    await pool.close().catch(() => {});
  }
}
