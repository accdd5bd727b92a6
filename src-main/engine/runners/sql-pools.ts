/**
 * One connection pool per named connection, shared by the SQL runner and the dynamic-parameter
 * resolver and reused across runs. The connection is looked up at each use, so an edited
 * connection string takes effect at the next run: the old pool is closed once the runs using it
 * are done. `close()` (engine stop) closes them all.
 */
import sql from 'mssql';
import pg from 'pg';
import { NonRetryableError, toError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { ConnectionSpec } from '../types.ts';
import {
  describeTarget,
  parseMssqlConnectionString,
  parsePostgresConnectionString,
  type MssqlConnectionOptions,
  type PostgresConnectionOptions,
} from './sql-connection-string.ts';
import type { SqlTarget } from './sql-errors.ts';
import { mssqlConfig } from './sql-mssql.ts';
import { postgresConfig } from './sql-postgres.ts';

/** A live pool with what messages may say about it. */
export type SqlPool =
  | { type: 'postgres'; name: string; target: SqlTarget; options: PostgresConnectionOptions; config: pg.PoolConfig; pool: pg.Pool }
  | { type: 'sqlserver'; name: string; target: SqlTarget; options: MssqlConnectionOptions; pool: sql.ConnectionPool };

/** Looks a named connection up (the store decrypts its connection string). */
export type ConnectionLookup = (name: string) => ConnectionSpec | undefined;

/** The pools of one engine. */
export interface SqlPools {
  /** Runs `work` with the pool of connection `name`, opening it on first use. */
  use<T>(name: string, signal: AbortSignal, work: (pool: SqlPool) => Promise<T>): Promise<T>;
  /** Closes every pool; later uses open new ones. */
  close(): Promise<void>;
}

interface Entry {
  key: string;
  pool: SqlPool;
  ready: Promise<void>;
  users: number;
  retired: boolean;
  closing?: Promise<void>;
}

const CLOSE_WAIT_MS = 5000;

/** Opening a pool failed (SQL Server connects it up front); carries where, for messages. */
export class PoolConnectError extends Error {
  override name = 'PoolConnectError';
  constructor(
    readonly target: SqlTarget,
    cause: unknown,
  ) {
    super(toError(cause).message, { cause });
  }
}

/** Creates the pool registry over a connection lookup. */
export function createSqlPools(connections: ConnectionLookup, logger: Logger = silentLogger): SqlPools {
  const entries = new Map<string, Entry>();

  const shut = (entry: Entry): Promise<void> => (entry.closing ??= closePool(entry.pool, logger));

  const retire = (name: string, entry: Entry) => {
    if (entries.get(name) === entry) entries.delete(name);
    entry.retired = true;
    if (entry.users === 0) void shut(entry);
  };

  const open = (name: string, spec: ConnectionSpec, key: string): Entry => {
    const pool = createPool(name, spec, logger);
    const entry: Entry = { key, pool, users: 0, retired: false, ready: Promise.resolve() };
    if (pool.type === 'sqlserver') {
      entry.ready = pool.pool.connect().then(
        () => undefined,
        (error: unknown) => {
          retire(name, entry);
          throw error;
        },
      );
      entry.ready.catch(() => {});
    }
    return entry;
  };

  return {
    async use(name, signal, work) {
      signal.throwIfAborted();
      const spec = connections(name);
      if (!spec) throw new NonRetryableError(`No connection named '${name}'; add it to the schedule file's "connections"`);
      const key = `${spec.type}\0${spec.connectionString}`;
      let entry = entries.get(name);
      if (entry && entry.key !== key) {
        retire(name, entry);
        entry = undefined;
      }
      if (!entry) {
        entry = open(name, spec, key);
        entries.set(name, entry);
      }
      entry.users += 1;
      try {
        try {
          await Promise.race([entry.ready, aborted(signal)]);
        } catch (error) {
          throw new PoolConnectError(entry.pool.target, error);
        }
        signal.throwIfAborted();
        return await work(entry.pool);
      } finally {
        entry.users -= 1;
        if (entry.retired && entry.users === 0) void shut(entry);
      }
    },

    async close() {
      const all = [...entries.values()];
      entries.clear();
      for (const entry of all) entry.retired = true;
      await Promise.all(all.map(shut));
    },
  };
}

/** Parses the connection string and builds (without connecting) the driver's pool. */
export function createPool(name: string, spec: ConnectionSpec, logger: Logger): SqlPool {
  try {
    if (spec.type === 'postgres') {
      const options = parsePostgresConnectionString(spec.connectionString);
      const config = postgresConfig(options);
      const pool = new pg.Pool(config);
      // An idle pooled connection that breaks emits 'error'; unheard, it would end the process.
      pool.on('error', (error) => logger.warn('An idle PostgreSQL connection failed', { connection: name, error: error.message }));
      const target = { target: describeTarget(options), host: options.host, user: options.user, database: options.database };
      return { type: 'postgres', name, target, options, config, pool };
    }
    const options = parseMssqlConnectionString(spec.connectionString);
    const pool = new sql.ConnectionPool(mssqlConfig(options));
    pool.on('error', (error: Error) => logger.warn('A SQL Server connection failed', { connection: name, error: error.message }));
    const target = { target: describeTarget(options), host: options.server, user: options.user, database: options.database };
    return { type: 'sqlserver', name, target, options, pool };
  } catch (error) {
    const cause = toError(error);
    throw new NonRetryableError(`Connection '${name}': ${cause.message}`, { cause });
  }
}

/** Closes a pool, waiting at most CLOSE_WAIT_MS for connections still in use. */
export async function closePool(pool: SqlPool, logger: Logger): Promise<void> {
  const closing = pool.type === 'postgres' ? pool.pool.end() : pool.pool.close();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CLOSE_WAIT_MS);
  });
  try {
    const result = await Promise.race([closing.then(() => 'closed' as const), timedOut]);
    if (result === 'timeout') logger.warn('A database pool did not close in time; its connections are left to end', { connection: pool.name });
  } catch (error) {
    logger.warn('Closing a database pool failed', { connection: pool.name, error: toError(error).message });
  } finally {
    clearTimeout(timer);
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
