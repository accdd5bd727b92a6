/**
 * SQL Server through mssql (tedious). A procedure runs as an RPC call: `request.execute(name)`
 * with each value bound by `request.input(name, type, value)` and each output by
 * `request.output(name, type[, value])` (mssql README, "Request": execute, input, output), so no
 * value is ever part of SQL text. The request streams (`request.stream = true`, README
 * "Streaming") with `arrayRowMode` (README "Handling Duplicate Column Names"), so rows past
 * `maxRows` are counted and dropped instead of held, and two columns with one name both survive.
 * The RETURN value and output parameters arrive with the `done` event (README "Streaming":
 * `done(returnValue)`; "execute": `result.returnValue`, `result.output`).
 * Cancel and timeout call `request.cancel()`, which makes tedious send a TDS ATTENTION packet
 * (tedious `Connection#cancel`): the server stops the batch, not only this process waiting.
 */
import sql from 'mssql';
import { NonRetryableError } from '../errors.ts';
import type { SqlDirection, SqlJob } from '../types.ts';
import type { MssqlConnectionOptions } from './sql-connection-string.ts';
import { procedureParts, quoteMssqlName } from './sql-names.ts';
import { ResultSetCollector, toJsonValue, type DateStyle, type SqlResultSet } from './sql-result.ts';
import { describeType, type SqlValue, type TypedParameter } from './sql-types.ts';

/** An mssql data type by name, with its sizes (README "Data Types"). */
export interface MssqlType {
  name: 'Int' | 'BigInt' | 'Decimal' | 'Bit' | 'NVarChar' | 'VarChar' | 'DateTime' | 'DateTime2' | 'Date' | 'UniqueIdentifier';
  length?: number | 'max';
  precision?: number;
  scale?: number;
}

/** One `request.input` / `request.output` call. */
export interface MssqlPlanParameter {
  name: string;
  direction: SqlDirection;
  type: MssqlType;
  /** The JavaScript value tedious receives (number, bigint, boolean, string, Date, null). */
  value: unknown;
}

/** The request a SQL Server job sends, built without touching a server (unit-tested). */
export interface MssqlRequestPlan {
  kind: 'procedure' | 'function';
  /** The bracket-quoted name: `[dbo].[usp_Archive]`. */
  procedure: string;
  /** For a function: `SELECT * FROM [dbo].[fn](@A, @B)`; parameters stay bound. */
  statement?: string;
  parameters: MssqlPlanParameter[];
}

/** What a SQL Server job returned. */
export interface MssqlRunData {
  returnValue?: number | null;
  output: Record<string, unknown>;
  resultSets: SqlResultSet[];
}

const TYPE_NAMES: Record<TypedParameter['type'], MssqlType['name']> = {
  int: 'Int',
  bigint: 'BigInt',
  decimal: 'Decimal',
  bit: 'Bit',
  string: 'NVarChar',
  nvarchar: 'NVarChar',
  varchar: 'VarChar',
  datetime: 'DateTime',
  datetime2: 'DateTime2',
  date: 'Date',
  uniqueidentifier: 'UniqueIdentifier',
};
/** tedious' Decimal type converts with parseFloat (tedious src/data-types/decimal.ts): exact to 15 digits. */
const MAX_EXACT_DIGITS = 15;
const CANCEL_GRACE_MS = 10_000;

/** The mssql pool configuration for a parsed connection string. */
export function mssqlConfig(options: MssqlConnectionOptions): sql.config {
  const connectSeconds = options.connectTimeoutSeconds ?? 15;
  return {
    server: options.server,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.database === undefined ? {} : { database: options.database }),
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    // ADO.NET reads Connect Timeout=0 as "wait forever"; tedious needs a number of ms.
    connectionTimeout: connectSeconds === 0 ? 2_147_483_647 : connectSeconds * 1000,
    // No driver time limit (tedious: 0 = none): the run's AbortSignal carries the job's timeout
    // and cancels the request on the server. mssql's own default would end requests after 15 s.
    requestTimeout: 0,
    pool: { max: options.poolMax ?? 10, min: options.poolMin ?? 0, idleTimeoutMillis: 30_000 },
    options: {
      encrypt: options.encrypt as boolean,
      trustServerCertificate: options.trustServerCertificate,
      ...(options.instanceName ? { instanceName: options.instanceName } : {}),
      appName: options.applicationName ?? 'Batchlight',
      readOnlyIntent: options.readOnlyIntent ?? false,
      // Dates travel by their UTC fields, which hold the wall clock (see sql-types LocalDateTime).
      useUTC: true,
    },
  };
}

/** Builds the RPC (or, for a table-valued function, the SELECT) for a job. */
export function buildMssqlRequestPlan(job: Pick<SqlJob, 'procedure' | 'kind'>, parameters: readonly TypedParameter[]): MssqlRequestPlan {
  const kind = job.kind ?? 'procedure';
  const procedure = quoteMssqlName(procedureParts(job.procedure));
  const planned = parameters.map((parameter): MssqlPlanParameter => {
    if (kind === 'function' && parameter.direction !== 'input') {
      throw new NonRetryableError(`Parameter '${parameter.name}': a SQL Server function takes input parameters only (direction ${parameter.direction})`);
    }
    return { name: parameter.name, direction: parameter.direction, type: mssqlType(parameter), value: mssqlValue(parameter) };
  });
  const plan: MssqlRequestPlan = { kind, procedure, parameters: planned };
  if (kind === 'function') plan.statement = `SELECT * FROM ${procedure}(${planned.map((p) => `@${p.name}`).join(', ')})`;
  return plan;
}

/** Runs a planned request on `pool`; cancels it on the server when `signal` aborts. */
export async function executeMssqlPlan(
  pool: sql.ConnectionPool,
  plan: MssqlRequestPlan,
  options: { captureResultSets: boolean; maxRows: number; signal: AbortSignal; onNotice: (text: string) => void },
): Promise<MssqlRunData> {
  options.signal.throwIfAborted();
  const request = new sql.Request(pool);
  request.stream = true;
  request.arrayRowMode = true;
  for (const parameter of plan.parameters) {
    const type = toSqlType(parameter.type);
    if (parameter.direction === 'input') request.input(parameter.name, type, parameter.value);
    else if (parameter.direction === 'inputOutput') request.output(parameter.name, type, parameter.value);
    else request.output(parameter.name, type);
  }
  const collector = new ResultSetCollector(options.maxRows);
  let dateStyles: DateStyle[] = [];
  const errors: Error[] = [];
  let done: { output?: Record<string, unknown>; returnValue?: number } | undefined;
  request.on('recordset', (columns: Array<{ name: string; type: unknown }>) => {
    dateStyles = columns.map((column) => dateStyleOf(column.type));
    if (options.captureResultSets) collector.start(columns.map((column) => column.name));
  });
  request.on('row', (row: unknown[]) => {
    if (options.captureResultSets) collector.add(row.map((value, index) => toJsonValue(value, dateStyles[index])));
  });
  // PRINT and RAISERROR with severity 10 or less (README "Informational messages").
  request.on('info', (info: { message: string }) => options.onNotice(info.message));
  request.on('error', (error: Error) => errors.push(error));
  request.on('done', (result: typeof done) => {
    done = result;
  });
  const onAbort = () => request.cancel();
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const running: Promise<unknown> = plan.kind === 'function' ? request.query(plan.statement ?? '') : request.execute(plan.procedure);
    const settled = running.then(() => undefined, (error: unknown) => errors.push(error as Error));
    await Promise.race([settled, abortedPromise(options.signal)]);
    if (options.signal.aborted) {
      await Promise.race([settled, delay(CANCEL_GRACE_MS)]);
      throw options.signal.reason;
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  if (errors.length) {
    // SQL Server's first error is the cause ("conflicted with the FOREIGN KEY constraint");
    // later ones follow from it ("The statement has been terminated.").
    const [first, ...rest] = errors;
    throw Object.assign(first!, { followingErrors: rest.map((e) => e.message) });
  }
  // tedious reports each output under the name the server returns (RETURNVALUE token, `@`
  // stripped); SQL Server names are case-insensitive, so match them that way.
  const returned = new Map(Object.entries(done?.output ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  // No prototype: an output parameter may be named __proto__, which would not be a key of `{}`.
  const output: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const parameter of plan.parameters) {
    if (parameter.direction === 'input') continue;
    output[parameter.name] = toJsonValue(returned.get(parameter.name.toLowerCase()), dateStyleOf(toSqlType(parameter.type)));
  }
  const data: MssqlRunData = { output, resultSets: collector.results() };
  if (plan.kind === 'procedure') data.returnValue = done?.returnValue ?? null;
  return data;
}

/** Runs the operator's query (a dynamic parameter's) and returns its first value. */
export async function mssqlFirstValue(pool: sql.ConnectionPool, text: string, signal: AbortSignal): Promise<{ found: boolean; value: unknown }> {
  const request = new sql.Request(pool);
  request.arrayRowMode = true;
  const onAbort = () => request.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = (await request.query(text)) as unknown as { recordsets: unknown[][][]; columns?: Array<Array<{ type: unknown }>> };
    if (signal.aborted) throw signal.reason;
    const index = result.recordsets.findIndex((set) => set.length > 0);
    const row = index === -1 ? undefined : result.recordsets[index]?.[0];
    if (!row) return { found: false, value: null };
    return { found: true, value: toJsonValue(row[0], dateStyleOf(result.columns?.[index]?.[0]?.type)) };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function mssqlType(parameter: TypedParameter): MssqlType {
  const name = TYPE_NAMES[parameter.type];
  if (name === 'Decimal') {
    // An output decimal with no declared size gets room for any value the procedure may set.
    if (parameter.precision === undefined) return parameter.direction === 'input' ? { name, precision: 18, scale: 0 } : { name, precision: 38, scale: 10 };
    return { name, precision: parameter.precision, scale: parameter.scale ?? 0 };
  }
  if ((name === 'NVarChar' || name === 'VarChar') && parameter.length !== undefined) {
    return { name, length: parameter.length === -1 ? 'max' : parameter.length };
  }
  return { name };
}

function mssqlValue(parameter: TypedParameter): unknown {
  const value: SqlValue = parameter.value;
  if (value === null) return null;
  if (parameter.type === 'decimal' && typeof value === 'string') {
    const digits = value.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length;
    if (digits > MAX_EXACT_DIGITS) {
      throw new NonRetryableError(
        `Parameter '${parameter.name}' (${describeType(parameter)}): \`${value}\` has ${digits} significant digits; the SQL Server driver ` +
          `(tedious) sends decimals as JavaScript numbers, exact to ${MAX_EXACT_DIGITS} digits`,
      );
    }
    return Number(value);
  }
  if (typeof value !== 'object') return value;
  const date = new Date(0);
  date.setUTCFullYear(value.year, value.month - 1, value.day);
  if (value.kind === 'date') return date;
  date.setUTCHours(value.hour, value.minute, value.second, Number(value.fraction.slice(0, 3).padEnd(3, '0')));
  // tedious adds `nanosecondDelta` (seconds) to a datetime2's milliseconds (tedious
  // src/data-types/datetime2.ts), which keeps the 100 ns digits a JavaScript Date cannot hold.
  const rest = value.fraction.slice(3);
  if (rest && parameter.type === 'datetime2') Object.assign(date, { nanosecondDelta: Number(`0.000${rest}`) });
  return date;
}

function toSqlType(type: MssqlType): sql.ISqlType | (() => sql.ISqlType) {
  const length = type.length === 'max' ? sql.MAX : type.length;
  switch (type.name) {
    case 'Int':
      return sql.Int;
    case 'BigInt':
      return sql.BigInt;
    case 'Decimal':
      return sql.Decimal(type.precision, type.scale);
    case 'Bit':
      return sql.Bit;
    case 'NVarChar':
      return length === undefined ? sql.NVarChar : sql.NVarChar(length);
    case 'VarChar':
      return length === undefined ? sql.VarChar : sql.VarChar(length);
    case 'DateTime':
      return sql.DateTime;
    case 'DateTime2':
      return sql.DateTime2(7);
    case 'Date':
      return sql.Date;
    case 'UniqueIdentifier':
      return sql.UniqueIdentifier;
  }
}

/** How a column or parameter of this mssql type writes its Dates (see DateStyle). */
function dateStyleOf(type: unknown): DateStyle {
  const base = typeof type === 'object' && type !== null && 'type' in type ? (type as { type: unknown }).type : type;
  if (base === sql.Date) return 'date';
  if (base === sql.DateTime || base === sql.DateTime2 || base === sql.SmallDateTime || base === sql.Time) return 'wallClock';
  return 'instant';
}

function abortedPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
