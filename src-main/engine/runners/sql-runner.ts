/**
 * The SQL runner: calls a stored procedure (or a PostgreSQL/SQL Server function) on a named
 * connection with typed parameters, and returns its return value, output parameters and result
 * sets as the run's result (JSON) and output (tables). It owns the connection pools, which the
 * dynamic-parameter resolver shares, and the test-connection action; the engine closes it on
 * stop. Parameter values are converted strictly before anything is sent (sql-types.ts); a
 * timeout or cancel stops the statement on the server (sql-mssql.ts, sql-postgres.ts).
 */
import { systemClock, type Clock } from '../clock.ts';
import { DEFAULT_MAX_ROWS } from '../config/job-schema.ts';
import { NonRetryableError, toError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { createQueryResolver } from '../params/query-resolver.ts';
import type { QueryResolver } from '../params/values.ts';
import type { SqlJob } from '../types.ts';
import type { RunContext, Runner, RunnerOutcome } from './runner.ts';
import { classifySqlError, type SqlErrorCategory, type SqlTarget } from './sql-errors.ts';
import { buildMssqlRequestPlan, executeMssqlPlan } from './sql-mssql.ts';
import { createSqlPools, PoolConnectError, type ConnectionLookup, type SqlPool, type SqlPools } from './sql-pools.ts';
import { buildPostgresPlan, executePostgresPlan, withPostgresClient } from './sql-postgres.ts';
import { redactResult, renderResult, type SqlRunResult } from './sql-result.ts';
import { testSqlConnection, type TestConnectionOptions, type TestConnectionResult } from './sql-test-connection.ts';
import { typeParameters, type TypedParameter } from './sql-types.ts';

export interface SqlRunnerOptions {
  /** The named connections, read at each use (the store decrypts the connection string). */
  connections: ConnectionLookup;
  logger?: Logger;
  /** For the dynamic-parameter cache. */
  clock?: Clock;
}

/** The SQL runner plus what shares its pools. */
export interface SqlRunner extends Runner<SqlJob> {
  /** Resolves `query` parameters of any job (pass as createEngine's `resolveQuery`). */
  resolveQuery: QueryResolver;
  /** Opens a fresh connection to `name` and says plainly what failed, if anything. */
  testConnection(name: string, options?: TestConnectionOptions): Promise<TestConnectionResult>;
  /** Closes every pool (engine stop). */
  close(): Promise<void>;
}

const SERVER_NAMES = { postgres: 'PostgreSQL', sqlserver: 'SQL Server' } as const;
const CONNECT_FAILURES: ReadonlySet<SqlErrorCategory> = new Set(['dns', 'refused', 'timeout', 'login', 'database', 'tls']);

/** Creates the SQL runner over the engine's named connections. */
export function createSqlRunner(options: SqlRunnerOptions): SqlRunner {
  const logger = options.logger ?? silentLogger;
  const pools = createSqlPools(options.connections, logger);
  return {
    type: 'sql',
    run: (ctx) => runSqlJob(ctx, pools),
    resolveQuery: createQueryResolver({ pools, clock: options.clock ?? systemClock, logger }),
    async testConnection(name, testOptions) {
      const spec = options.connections(name);
      if (!spec) return { ok: false, connection: name, category: 'config', message: `No connection named '${name}'` };
      return testSqlConnection(spec, testOptions);
    },
    close: () => pools.close(),
  };
}

async function runSqlJob(ctx: RunContext<SqlJob>, pools: SqlPools): Promise<RunnerOutcome> {
  ctx.signal.throwIfAborted();
  const { job } = ctx;
  const parameters = typeParameters(job.parameters ?? [], ctx.values);
  const kind = job.kind ?? 'procedure';
  const what = `${kind === 'function' ? 'Function' : 'Procedure'} ${job.procedure} on '${job.connection}'`;
  const onNotice = (text: string) => void ctx.output.stdout.write(`${ctx.redact(text)}\n`);
  let target: SqlTarget | undefined;
  try {
    const result = await pools.use(job.connection, ctx.signal, async (pool) => {
      target = pool.target;
      ctx.output.stdout.write(`Calling ${job.procedure} on '${job.connection}' (${SERVER_NAMES[pool.type]}, ${pool.target.target})\n`);
      const data = await execute(pool, job, parameters, ctx, onNotice);
      return { connection: job.connection, server: pool.type, procedure: job.procedure, kind, ...data } satisfies SqlRunResult;
    });
    const redacted = redactResult(result, ctx.redact);
    ctx.output.stdout.write(renderResult(redacted));
    return { ok: true, result: redacted };
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const where = error instanceof PoolConnectError ? error.target : target;
    if (error instanceof NonRetryableError || !where) throw error;
    const classified = classifySqlError(error, where);
    const message = CONNECT_FAILURES.has(classified.category)
      ? `Could not connect to '${job.connection}': ${classified.message}`
      : `${what} failed: ${classified.message}`;
    ctx.output.stderr.write(`${ctx.redact(message)}\n`);
    const following = (error as { followingErrors?: string[] }).followingErrors ?? [];
    const detail = [classified.code ? `code ${classified.code}` : '', ...following, toError(error).stack ?? ''].filter(Boolean).join('\n');
    return { ok: false, error: message, errorDetail: detail, retryable: classified.retryable };
  }
}

async function execute(
  pool: SqlPool,
  job: SqlJob,
  parameters: TypedParameter[],
  ctx: RunContext<SqlJob>,
  onNotice: (text: string) => void,
) {
  const capture = { captureResultSets: job.captureResultSets ?? false, maxRows: job.maxRows ?? DEFAULT_MAX_ROWS, signal: ctx.signal };
  if (pool.type === 'postgres') {
    const plan = buildPostgresPlan(job, parameters);
    ctx.logger.debug('SQL statement', { connection: pool.name, statement: plan.text });
    const options = { signal: ctx.signal, onNotice, logger: ctx.logger };
    return withPostgresClient(pool.pool, pool.config, options, (client) => executePostgresPlan(client, plan, capture));
  }
  const plan = buildMssqlRequestPlan(job, parameters);
  ctx.logger.debug('SQL request', { connection: pool.name, procedure: plan.procedure, parameters: plan.parameters.map((p) => p.name) });
  return executeMssqlPlan(pool.pool, plan, { ...capture, onNotice });
}
