/**
 * Dynamic parameters: a parameter of any job whose value is the first column of the first row
 * of a query on a named connection, e.g. `SELECT CONVERT(VARCHAR(10), GETDATE(), 120)`. The SQL
 * is the operator's own, from the schedule file (configuration, not input), and runs as written.
 * Results are cached per (connection, sql) for the asking parameter's `cacheSeconds` (default 0:
 * not cached). No rows fails the run unless the parameter has a `default`. Errors carry the
 * database's message only: params/values.ts prefixes "Failed to resolve parameter 'X' on 'c'".
 */
import type { Clock } from '../clock.ts';
import { NonRetryableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { classifySqlError, type SqlTarget } from '../runners/sql-errors.ts';
import { mssqlFirstValue } from '../runners/sql-mssql.ts';
import { PoolConnectError, type SqlPools } from '../runners/sql-pools.ts';
import { postgresFirstValue, withPostgresClient } from '../runners/sql-postgres.ts';
import type { QueryResolver } from './values.ts';

export interface QueryResolverOptions {
  pools: SqlPools;
  clock: Clock;
  logger: Logger;
}

interface CacheEntry {
  value: string | null;
  /** Monotonic ms. */
  fetchedAt: number;
}

/** Creates the resolver the engine calls for parameters that have a `query`. */
export function createQueryResolver(options: QueryResolverOptions): QueryResolver {
  const cache = new Map<string, CacheEntry>();
  return async (parameter, signal) => {
    const query = parameter.query;
    if (!query) throw new NonRetryableError(`Parameter '${parameter.name}' has no query to resolve`);
    const key = `${query.connection}\0${query.sql}`;
    const ttlMs = (parameter.cacheSeconds ?? 0) * 1000;
    const cached = cache.get(key);
    if (cached && ttlMs > 0 && options.clock.monotonic() - cached.fetchedAt < ttlMs) return cached.value;

    let target: SqlTarget | undefined;
    let first: { found: boolean; value: unknown };
    try {
      first = await options.pools.use(query.connection, signal, (pool) => {
        target = pool.target;
        if (pool.type === 'sqlserver') return mssqlFirstValue(pool.pool, query.sql, signal);
        const execution = { signal, onNotice: () => {}, logger: options.logger };
        return withPostgresClient(pool.pool, pool.config, execution, (client) => postgresFirstValue(client, query.sql));
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const where = error instanceof PoolConnectError ? error.target : target;
      if (error instanceof NonRetryableError || !where) throw error;
      const classified = classifySqlError(error, where);
      throw classified.retryable ? new Error(classified.message, { cause: error }) : new NonRetryableError(classified.message, { cause: error });
    }
    if (!first.found) {
      if (parameter.default !== undefined) return parameter.default;
      throw new NonRetryableError('the query returned no rows, and the parameter has no "default"');
    }
    const value = asText(first.value);
    cache.set(key, { value, fetchedAt: options.clock.monotonic() });
    return value;
  };
}

/** A first-column value as parameter text: dates as ISO text, numbers exact, bits true/false. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Values come through toJsonValue: arrays and objects (json columns) are valid JSON.
  return JSON.stringify(value);
}
