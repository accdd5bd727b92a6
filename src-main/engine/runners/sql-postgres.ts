/**
 * PostgreSQL through pg. A procedure runs as `CALL name(arg => $1::type, out_arg => NULL::type)`:
 * PostgreSQL returns its OUT and INOUT parameters as the one row of the CALL, and its result
 * sets as refcursors it opens (read here inside the CALL's transaction). A function
 * (`"kind": "function"`) runs as `SELECT * FROM name(arg => $1::type)` through a cursor, so
 * that `maxRows` bounds memory however many rows it returns. Arguments use named notation
 * ("Calling Functions", 4.3.2), so their order in the schedule file does not matter.
 * Cancel and timeout call pg_cancel_backend on the server from a second connection: pg
 * itself only stops waiting, the server would run the statement to its end.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { NonRetryableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ParameterType, SqlJob } from '../types.ts';
import type { PostgresConnectionOptions } from './sql-connection-string.ts';
import { procedureParts, quotePostgresIdentifier, quotePostgresName } from './sql-names.ts';
import { ResultSetCollector, toJsonValue, type SqlResultSet } from './sql-result.ts';
import { dateText, dateTimeText, type SqlValue, type TypedParameter } from './sql-types.ts';

/** The statement a PostgreSQL job sends, built without touching a server (unit-tested). */
export interface PostgresPlan {
  kind: 'procedure' | 'function';
  text: string;
  values: Array<string | null>;
  /** Output and inputOutput parameters: the name as written, and the column PostgreSQL returns. */
  outputs: Array<{ name: string; column: string }>;
}

/** What a PostgreSQL job returned. */
export interface PostgresRunData {
  output: Record<string, unknown>;
  resultSets: SqlResultSet[];
}

/** Options for one execution on a checked-out connection. */
export interface PostgresExecution {
  signal: AbortSignal;
  onNotice: (text: string) => void;
  logger: Logger;
}

const CASTS: Record<ParameterType, string> = {
  int: 'int4',
  bigint: 'int8',
  decimal: 'numeric',
  bit: 'boolean',
  string: 'text',
  nvarchar: 'text',
  varchar: 'text',
  datetime: 'timestamp',
  datetime2: 'timestamp',
  date: 'date',
  uniqueidentifier: 'uuid',
};
/** Date and time types come back as the server's text, never shifted into this host's zone. */
const TEXT_TYPE_OIDS = new Set([1082, 1083, 1114, 1184, 1266, 1182, 1115, 1185, 1183, 1270]);
const REFCURSOR_OID = 1790;
const RESULT_CURSOR = 'batchlight_result';
/** How long a cancelled statement gets to end on the server before its connection is dropped. */
const CANCEL_GRACE_MS = 10_000;

const textDates: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_TYPE_OIDS.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The pg pool configuration for a parsed connection string. */
export function postgresConfig(options: PostgresConnectionOptions): pg.PoolConfig {
  const tls = options.tls;
  return {
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    ssl: tls === false
      ? false
      : {
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}),
          ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
        },
    connectionTimeoutMillis: (options.connectTimeoutSeconds ?? 15) * 1000,
    application_name: options.applicationName ?? 'Batchlight',
    max: options.poolMax ?? 10,
    idleTimeoutMillis: 30_000,
    types: textDates,
  };
}

/** Builds the CALL or SELECT for a job; values always travel as parameters. */
export function buildPostgresPlan(job: Pick<SqlJob, 'procedure' | 'kind'>, parameters: readonly TypedParameter[]): PostgresPlan {
  const kind = job.kind ?? 'procedure';
  const name = quotePostgresName(procedureParts(job.procedure));
  const values: Array<string | null> = [];
  const args: string[] = [];
  const outputs: PostgresPlan['outputs'] = [];
  for (const parameter of parameters) {
    const column = parameter.name.toLowerCase();
    const cast = castOf(parameter);
    if (parameter.direction !== 'input') outputs.push({ name: parameter.name, column });
    // A function's OUT parameters are not arguments: they come back as columns.
    if (kind === 'function' && parameter.direction === 'output') continue;
    let expression: string;
    if (parameter.direction === 'output') {
      expression = `NULL::${cast}`;
    } else {
      values.push(postgresText(parameter.value));
      expression = `$${values.length}::${cast}`;
    }
    args.push(`${quotePostgresIdentifier(column)} => ${expression}`);
  }
  const call = `${name}(${args.join(', ')})`;
  return { kind, text: kind === 'procedure' ? `CALL ${call}` : `SELECT * FROM ${call}`, values, outputs };
}

/** Runs a planned job on a checked-out client. */
export async function executePostgresPlan(
  client: pg.PoolClient,
  plan: PostgresPlan,
  options: { captureResultSets: boolean; maxRows: number; signal: AbortSignal },
): Promise<PostgresRunData> {
  const query = (text: string, values?: Array<string | null>) => {
    options.signal.throwIfAborted();
    return client.query<unknown[]>({ text, values, rowMode: 'array' });
  };
  const collector = new ResultSetCollector(options.maxRows);
  if (plan.kind === 'function') {
    await query('BEGIN');
    await query(`DECLARE ${quotePostgresIdentifier(RESULT_CURSOR)} NO SCROLL CURSOR FOR ${plan.text}`, plan.values);
    const fetched = await fetchCursor(query, RESULT_CURSOR, options.captureResultSets ? options.maxRows : 1);
    await query('COMMIT');
    if (options.captureResultSets) collector.addCounted(fetched.columns, fetched.rows, fetched.total);
    return { output: outputsOf(plan, fetched.columns, fetched.rows[0]), resultSets: collector.results() };
  }
  if (!options.captureResultSets) {
    const result = await query(plan.text, plan.values);
    return { output: outputsOf(plan, result.fields.map((f) => f.name), result.rows[0]), resultSets: [] };
  }
  // Refcursors only live until the end of their transaction, so the CALL and the FETCHes share one.
  await query('BEGIN');
  const result = await query(plan.text, plan.values);
  const row = result.rows[0];
  const cursors = new Set<string>();
  for (const [index, field] of result.fields.entries()) {
    const cursor = row?.[index];
    if (field.dataTypeID !== REFCURSOR_OID || typeof cursor !== 'string') continue;
    cursors.add(field.name);
    const fetched = await fetchCursor(query, cursor, options.maxRows);
    collector.addCounted(fetched.columns, fetched.rows, fetched.total);
  }
  await query('COMMIT');
  const output = outputsOf(plan, result.fields.map((f) => f.name), row);
  for (const { name, column } of plan.outputs) if (cursors.has(column)) delete output[name];
  return { output, resultSets: collector.results() };
}

/**
 * Checks a client out of `pool`, runs `work`, and returns it. When `signal` aborts, the running
 * statement is cancelled on the server (pg_cancel_backend from a second connection), given
 * CANCEL_GRACE_MS to end, and the client is destroyed rather than reused; then the abort reason
 * is thrown. A client that failed is destroyed too, so no half-open transaction is reused.
 */
export async function withPostgresClient<T>(
  pool: pg.Pool,
  config: pg.PoolConfig,
  options: PostgresExecution,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const { signal } = options;
  signal.throwIfAborted();
  const client = await untilAborted(pool.connect(), signal, (late) => late.release());
  const onNotice = (notice: { message?: string }) => options.onNotice(notice.message ?? '');
  // A checked-out client whose connection breaks between statements emits 'error'; unheard, it
  // would end the process. The next statement fails anyway and reports it.
  const onError = (error: Error) => options.logger.warn('PostgreSQL connection failed', { error: error.message });
  client.on('notice', onNotice);
  client.on('error', onError);
  let destroy = false;
  let cancelled: Promise<void> = Promise.resolve();
  const onAbort = () => {
    const pid = (client as unknown as { processID?: number | null }).processID;
    if (typeof pid === 'number') cancelled = cancelBackend(config, pid, options.logger);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const running = work(client);
    const settled = running.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const first = await Promise.race([settled, abortedPromise(signal)]);
    if (first !== 'aborted' && !signal.aborted) {
      if (first.ok) return first.value;
      destroy = true;
      throw first.error;
    }
    destroy = true;
    await cancelled;
    await Promise.race([settled, delay(CANCEL_GRACE_MS)]);
    throw signal.reason;
  } finally {
    signal.removeEventListener('abort', onAbort);
    client.off('notice', onNotice);
    client.release(destroy);
    // A destroyed client may still report its socket closing; only a reused one drops the listener.
    if (!destroy) client.off('error', onError);
  }
}

/** Runs the operator's query (a dynamic parameter's) and returns its first value. */
export async function postgresFirstValue(client: pg.PoolClient, sql: string): Promise<{ found: boolean; value: unknown }> {
  const raw: unknown = await client.query({ text: sql, rowMode: 'array' });
  const results = (Array.isArray(raw) ? raw : [raw]) as Array<pg.QueryArrayResult<unknown[]>>;
  const withColumns = results.find((result) => result.fields.length > 0);
  const row = withColumns?.rows[0];
  return row === undefined ? { found: false, value: null } : { found: true, value: toJsonValue(row[0]) };
}

function castOf(parameter: TypedParameter): string {
  const base = CASTS[parameter.type];
  if (parameter.type === 'decimal' && parameter.precision !== undefined) return `numeric(${parameter.precision}, ${parameter.scale ?? 0})`;
  return base;
}

function postgresText(value: SqlValue): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  return value.kind === 'datetime' ? dateTimeText(value) : dateText(value);
}

function outputsOf(plan: PostgresPlan, columns: string[], row: unknown[] | undefined): Record<string, unknown> {
  // No prototype: an output parameter may be named __proto__, which would not be a key of `{}`.
  const output: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const { name, column } of plan.outputs) {
    const index = columns.findIndex((c) => c.toLowerCase() === column);
    if (index === -1) {
      throw new NonRetryableError(`Output parameter '${name}' did not come back: the ${plan.kind} returned ${columns.length ? `columns ${columns.join(', ')}` : 'no columns'}`);
    }
    output[name] = row === undefined ? null : toJsonValue(row[index]);
  }
  return output;
}

async function fetchCursor(
  query: (text: string) => Promise<pg.QueryArrayResult<unknown[]>>,
  cursor: string,
  count: number,
): Promise<{ columns: string[]; rows: unknown[][]; total: number }> {
  const name = quotePostgresIdentifier(cursor);
  const fetched = await query(`FETCH FORWARD ${count} FROM ${name}`);
  const rest = await query(`MOVE FORWARD ALL FROM ${name}`);
  return { columns: fetched.fields.map((f) => f.name), rows: fetched.rows, total: fetched.rows.length + (rest.rowCount ?? 0) };
}

async function cancelBackend(config: pg.PoolConfig, pid: number, logger: Logger): Promise<void> {
  const canceller = new pg.Client({ ...config, connectionTimeoutMillis: 5000 });
  canceller.on('error', () => {});
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch (error) {
    logger.warn('Could not cancel the PostgreSQL statement on the server; its connection is dropped instead', {
      pid,
      error: (error as Error).message,
    });
  } finally {
    await canceller.end().catch(() => {});
  }
}

function abortedPromise(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Waits for `promise` unless `signal` aborts first; a late result is handed to `late`. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, late: (value: T) => void): Promise<T> {
  const first = await Promise.race([promise.then((value) => ({ value })), abortedPromise(signal)]);
  if (first === 'aborted') {
    promise.then(late, () => {});
    throw signal.reason;
  }
  return first.value;
}
