/**
 * The original platform's JobConfiguration (PascalCase, one shape per JobType) translated to a
 * `job`. Formats, from the original docs:
 *   Process:         { ExecutablePath, Arguments (one string), WorkingDirectory, TimeoutMinutes }
 *   ApiCall:         { Url, Method, Headers, AuthorizationType (Bearer | Basic | ApiKey),
 *                      AuthorizationValue, RequestBody, ContentType, TimeoutSeconds }
 *   StoredProcedure: { ConnectionString, ProcedureName, TimeoutSeconds, ReturnValue }
 * The result is checked by the normal validator afterwards; this module reports only what the
 * translation itself cannot make sense of.
 */
import type { JobType } from '../types.ts';
import { duplicateKeyMessage, findDuplicateKeys } from './duplicate-keys.ts';
import { findJsonSyntaxError } from './json-errors.ts';
import { MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS } from './job-schema.ts';
import { describe, formatSegments, isRecord, unknownField, type PathSegment, type RawProblem } from './problems.ts';

/** Hands out connection names for inline connection strings. */
export interface ConnectionNamer {
  nameFor(connectionString: string, baseName: string): string;
}

/** Where the legacy job sits and what it is called, for problems and connection names. */
export interface LegacyJobContext {
  /** The path of the configuration object: ['JobConfiguration'] or ['job']. */
  base: PathSegment[];
  /** The path of the type field: ['JobType'] or ['job', 'Type']. */
  typePath: PathSegment[];
  scheduleName: string;
  connections: ConnectionNamer;
}

/** A translated job with its problems; `connection` is set for StoredProcedure jobs. */
export interface LegacyJobResult {
  type: JobType | undefined;
  job: Record<string, unknown>;
  problems: RawProblem[];
  connection?: string;
}

const TYPES: Record<string, JobType> = { process: 'process', '1': 'process', apicall: 'http', '2': 'http', storedprocedure: 'sql', '3': 'sql' };

/** The keys each legacy job type may hold; our names are what they become. */
export const LEGACY_JOB_KEYS: Record<JobType, Record<string, string>> = {
  process: { ExecutablePath: 'executablePath', Arguments: 'arguments', WorkingDirectory: 'workingDirectory', TimeoutMinutes: 'timeoutSeconds' },
  http: {
    Url: 'url',
    Method: 'method',
    Headers: 'headers',
    AuthorizationType: 'auth',
    AuthorizationValue: 'auth',
    RequestBody: 'body',
    ContentType: 'contentType',
    TimeoutSeconds: 'timeoutSeconds',
  },
  sql: { ConnectionString: 'connection', ProcedureName: 'procedure', TimeoutSeconds: 'timeoutSeconds', ReturnValue: 'captureResultSets' },
};

/** Reads a legacy JobType ("Process", "ApiCall", "StoredProcedure", 1, 2, 3, or ours). */
export function legacyJobType(value: unknown): JobType | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const key = String(value).trim().toLowerCase();
  if (Object.hasOwn(TYPES, key)) return TYPES[key];
  return key === 'http' || key === 'sql' ? key : undefined;
}

/** Translates one legacy job configuration (an object or a JSON string). */
export function translateLegacyJob(jobType: unknown, configuration: unknown, context: LegacyJobContext): LegacyJobResult {
  const problems: RawProblem[] = [];
  const type = legacyJobType(jobType);
  if (type === undefined) {
    problems.push({
      path: context.typePath,
      message: `\`${String(context.typePath.at(-1))}\` must be one of Process, ApiCall, StoredProcedure (or 1, 2, 3); got ${describe(jobType)}`,
    });
  }
  const config = readConfiguration(configuration, context.base, problems);
  if (type === undefined || config === undefined) return { type, job: type === undefined ? {} : { type }, problems };
  const known = LEGACY_JOB_KEYS[type];
  for (const key of Object.keys(config)) {
    if (Object.hasOwn(known, key)) continue;
    problems.push({ path: [...context.base, key], message: unknownField(key, Object.keys(known), `a legacy ${String(jobType)} configuration`) });
  }
  const given = (key: string): unknown => (config[key] === null ? undefined : config[key]);
  if (type === 'process') {
    const job = compact({
      type,
      executablePath: given('ExecutablePath'),
      arguments: given('Arguments'),
      workingDirectory: given('WorkingDirectory'),
      timeoutSeconds: minutesToSeconds(given('TimeoutMinutes'), [...context.base, 'TimeoutMinutes'], problems, MIN_TIMEOUT_SECONDS),
    });
    return { type, job, problems };
  }
  if (type === 'http') return { type, job: translateApiCall(given, context, problems), problems };
  const connectionString = given('ConnectionString');
  let connection: string | undefined;
  if (typeof connectionString === 'string' && connectionString.trim() !== '') {
    connection = context.connections.nameFor(connectionString, `legacy-${context.scheduleName}`);
  } else {
    problems.push({
      path: [...context.base, 'ConnectionString'],
      message:
        connectionString === undefined
          ? 'Missing required field `ConnectionString` (a connection string)'
          : `Expected \`ConnectionString\` to be a non-empty connection string, got ${describe(connectionString, true)}`,
    });
  }
  const timeout = given('TimeoutSeconds');
  const job = compact({
    type,
    connection: connection ?? '',
    procedure: given('ProcedureName'),
    timeoutSeconds: timeout === 0 ? undefined : timeout,
    captureResultSets: given('ReturnValue'),
  });
  return { type, job, problems, ...(connection === undefined ? {} : { connection }) };
}

const MAX_MINUTES = MAX_TIMEOUT_SECONDS / 60;

/**
 * Converts a legacy minutes field; 0 and null mean "not set", as they did in the original. The
 * range (`minSeconds` to 30 days) is checked here, in minutes, so that a problem quotes the value
 * as the author wrote it rather than the seconds it would become.
 */
export function minutesToSeconds(value: unknown, path: PathSegment[], problems: RawProblem[], minSeconds = 0): number | undefined {
  if (value === undefined || value === null || value === 0) return undefined;
  const field = `\`${String(path.at(-1))}\``;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    problems.push({ path, message: `Expected ${field} to be a positive number of minutes, got ${describe(value)}` });
    return undefined;
  }
  if (value > MAX_MINUTES) {
    problems.push({ path, message: `Expected ${field} to be at most ${MAX_MINUTES} minutes (30 days), got ${describe(value)}` });
    return undefined;
  }
  if (value * 60 < minSeconds) {
    const floor = `1/${Math.round(60 / minSeconds)} minute (${minSeconds * 1000} ms)`;
    problems.push({ path, message: `Expected ${field} to be at least ${floor}, got ${describe(value)}` });
    return undefined;
  }
  return value * 60;
}

function readConfiguration(value: unknown, base: PathSegment[], problems: RawProblem[]): Record<string, unknown> | undefined {
  const label = String(base.at(-1));
  let parsed = value;
  if (typeof value === 'string') {
    const syntax = findJsonSyntaxError(value);
    if (syntax) {
      problems.push({ path: base, message: `\`${label}\` is not valid JSON: ${syntax.message} (line ${syntax.line}, column ${syntax.column})` });
      return undefined;
    }
    const duplicate = findDuplicateKeys(value, 1).duplicates[0];
    if (duplicate) {
      const where = `\`${formatSegments([label, ...duplicate.objectPath])}\` (a JSON string)`;
      problems.push({ path: base, message: duplicateKeyMessage(duplicate, where) });
      return undefined;
    }
    parsed = JSON.parse(value);
  }
  if (isRecord(parsed)) return parsed;
  const message =
    parsed === undefined
      ? `Missing required field \`${label}\``
      : `Expected \`${label}\` to be an object or a JSON string, got ${describe(parsed)}`;
  problems.push({ path: base, message });
  return undefined;
}

function translateApiCall(given: (key: string) => unknown, context: LegacyJobContext, problems: RawProblem[]): Record<string, unknown> {
  const method = given('Method');
  const timeout = given('TimeoutSeconds');
  let headers = given('Headers');
  const authType = given('AuthorizationType');
  const authValue = given('AuthorizationValue');
  let auth: Record<string, unknown> | undefined;
  const kind = typeof authType === 'string' ? authType.trim().toLowerCase() : authType;
  if (kind === 'bearer') auth = { type: 'bearer', token: authValue };
  else if (kind === 'basic') auth = basicAuth(authValue, [...context.base, 'AuthorizationValue'], problems);
  else if (kind === 'apikey') {
    const existing = isRecord(headers) ? Object.keys(headers).find((name) => /api[-_]?key/i.test(name)) : undefined;
    const name = existing ?? 'X-API-Key';
    const value = authValue ?? (existing !== undefined && isRecord(headers) ? headers[existing] : undefined);
    if (existing !== undefined && isRecord(headers)) headers = Object.fromEntries(Object.entries(headers).filter(([key]) => key !== existing));
    auth = { type: 'apiKey', name, value, in: 'header' };
  } else if (kind !== undefined && kind !== '' && kind !== 'none') {
    problems.push({
      path: [...context.base, 'AuthorizationType'],
      message: `\`AuthorizationType\` must be Bearer, Basic, ApiKey or None; got ${describe(authType)}`,
    });
  }
  return compact({
    type: 'http',
    url: given('Url'),
    method: typeof method === 'string' ? method.trim().toUpperCase() : method,
    headers,
    auth,
    body: given('RequestBody'),
    contentType: given('ContentType'),
    timeoutSeconds: timeout === 0 ? undefined : timeout,
  });
}

/** Basic's AuthorizationValue is "user:password" or the base64 of it. */
function basicAuth(value: unknown, path: PathSegment[], problems: RawProblem[]): Record<string, unknown> | undefined {
  const plain = typeof value === 'string' ? (value.includes(':') ? value : decodeBase64(value)) : undefined;
  const colon = plain?.indexOf(':') ?? -1;
  if (plain === undefined || colon < 0) {
    problems.push({ path, message: `Expected \`AuthorizationValue\` for Basic to be "user:password" or its base64, got ${describe(value, true)}` });
    return undefined;
  }
  return { type: 'basic', username: plain.slice(0, colon), password: plain.slice(colon + 1) };
}

function decodeBase64(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
  return decoded.includes(':') && !/[\p{Cc}\uFFFD]/u.test(decoded) ? decoded : undefined;
}

function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
