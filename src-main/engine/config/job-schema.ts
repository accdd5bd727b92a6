/**
 * The `job` section of a schedule: what runs. One strict schema per runner; the union picks one
 * by `job.type`, and any other type is one clear problem naming the allowed ones.
 */
import { z } from 'zod';
import type { HttpMethod } from '../types.ts';
import { splitWindowsCommandLine } from './command-line.ts';
import {
  bool,
  expecting,
  headerMap,
  headerName,
  httpUrl,
  identifier,
  intIn,
  list,
  nonEmptyString,
  oneOf,
  positiveNumber,
  regexSource,
  strictObject,
  stringMap,
  text,
} from './fields.ts';
import { PARAMETER_TYPES } from './literal-values.ts';
import { isValidProcedureName } from './sql-identifiers.ts';
import { hasUserInfo } from './secret-fields.ts';

/** The longest time limit a job or schedule may set: 30 days, in seconds. */
export const MAX_TIMEOUT_SECONDS = 30 * 24 * 3600;
/**
 * The shortest: one millisecond. The engine arms a run's limit as a timer of `seconds * 1000` ms,
 * and a timer cannot wait less than 1 ms, so `1e-9` would be a limit the engine cannot honour.
 * Fractions above it are honoured ("timed out after 0.5 s"), and kept valid.
 */
export const MIN_TIMEOUT_SECONDS = 0.001;
/** The response size an HTTP job keeps unless it says otherwise. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** The rows a SQL job captures per result set unless it says otherwise. */
export const DEFAULT_MAX_ROWS = 1000;

/** Every job type, for messages and the legacy import. */
export const JOB_TYPES = ['process', 'http', 'sql'] as const;
/** Every HTTP method a job may use. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const satisfies readonly HttpMethod[];

/** A time limit in seconds (timeouts, and other per-run thresholds), from 1 ms to 30 days. */
export function timeLimitSeconds() {
  return positiveNumber(MAX_TIMEOUT_SECONDS, ' seconds (30 days)', { min: MIN_TIMEOUT_SECONDS, phrase: `at least ${MIN_TIMEOUT_SECONDS} seconds (1 ms)` });
}

const timeoutSeconds = timeLimitSeconds();

const ENV_NAME = /^[^=\0]{1,255}$/;
const environmentName = z.string(expecting('a variable name')).regex(ENV_NAME, expecting('a variable name without `=`'));

/** A process cannot be given a NUL character (Windows and POSIX both end a string there): every run would fail. */
const withoutNul = (v: string) => !v.includes('\0');
const processText = z.string(expecting('a string')).refine(withoutNul, expecting('a string without NUL characters'));

const argumentList = z.preprocess(
  (value) => (typeof value === 'string' ? splitWindowsCommandLine(value) : value),
  z.array(processText, expecting('an array of strings or one command-line string')),
);

const processJob = strictObject(
  {
    type: z.literal('process'),
    executablePath: nonEmptyString('a non-empty path', 32_767).refine(withoutNul, expecting('a path without NUL characters')),
    arguments: argumentList.default([]),
    workingDirectory: nonEmptyString('a non-empty folder path', 32_767).refine(withoutNul, expecting('a folder path without NUL characters')).optional(),
    environment: stringMap(environmentName, 'an object of variable names to string values', processText).optional(),
    successExitCodes: list(z.int(expecting('an integer exit code')), 'an array of integer exit codes', 1).optional(),
    shell: bool().optional(),
    timeoutSeconds: timeoutSeconds.optional(),
  },
  'a process job object',
);

const httpAuth = z.discriminatedUnion(
  'type',
  [
    strictObject({ type: z.literal('none') }, 'an auth object'),
    strictObject({ type: z.literal('bearer'), token: nonEmptyString() }, 'an auth object'),
    strictObject(
      { type: z.literal('basic'), username: nonEmptyString(), password: z.string(expecting('a string')) },
      'an auth object',
    ),
    strictObject(
      { type: z.literal('apiKey'), name: headerName(), value: nonEmptyString(), in: oneOf(['header', 'query']) },
      'an auth object',
    ),
  ],
  expecting('an auth object'),
);

const SUCCESS_STATUS = /^[1-5](?:\d\d|xx)$/i;
const successStatus = z
  .string(expecting('a status such as "200" or "2xx"'))
  .regex(SUCCESS_STATUS, expecting('a status such as "200" or "2xx"'))
  .transform((status) => status.toLowerCase());

const httpJob = strictObject(
  {
    type: z.literal('http'),
    url: httpUrl(true).refine((url) => !hasUserInfo(url), expecting('an http:// or https:// URL without a user name or password (they are not sent; give them as `auth` of type basic)')),
    method: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), oneOf(HTTP_METHODS)).default('GET'),
    headers: headerMap().optional(),
    secretHeaders: list(headerName(), 'an array of header names').optional(),
    auth: httpAuth.optional(),
    body: text(50 * 1024 * 1024).optional(),
    contentType: nonEmptyString('a non-empty content type', 256).optional(),
    timeoutSeconds: timeoutSeconds.optional(),
    successStatus: list(successStatus, 'an array of statuses such as "200" or "2xx"', 1).optional(),
    expect: strictObject(
      {
        jsonPath: z.string(expecting('a JSONPath starting with `$`')).regex(/^\$/, expecting('a JSONPath starting with `$`')).optional(),
        equals: z.unknown().optional(),
        notEquals: z.unknown().optional(),
        exists: bool().optional(),
        bodyMatches: regexSource().optional(),
        bodyNotMatches: regexSource().optional(),
      },
      'an expect object',
    ).optional(),
    maxResponseBytes: intIn(1, 1024 * 1024 * 1024).default(DEFAULT_MAX_RESPONSE_BYTES),
    tls: strictObject(
      { rejectUnauthorized: bool().optional(), caFile: nonEmptyString('a non-empty file path', 32_767).optional() },
      'a tls object',
    ).optional(),
    proxy: httpUrl(false, true).optional(),
  },
  'an http job object',
);

const sqlParameterName = z.preprocess((v) => (typeof v === 'string' && v.startsWith('@') ? v.slice(1) : v), identifier());

const sqlJob = strictObject(
  {
    type: z.literal('sql'),
    connection: nonEmptyString('a connection name', 100),
    procedure: z
      .string(expecting('a procedure name such as dbo.usp_Archive'))
      .refine(isValidProcedureName, expecting('a procedure name of one to three parts, such as dbo.usp_Archive or [my db].[dbo].[usp X]')),
    kind: oneOf(['procedure', 'function']).optional(),
    parameters: list(
      strictObject(
        {
          name: sqlParameterName,
          type: oneOf(PARAMETER_TYPES),
          value: z.string(expecting('a string or null')).nullable().optional(),
          direction: oneOf(['input', 'output', 'inputOutput']).optional(),
          length: z.union([intIn(1, 8000), z.literal(-1)], expecting('an integer from 1 to 8000, or -1 for MAX')).optional(),
          precision: intIn(1, 38).optional(),
          scale: intIn(0, 38).optional(),
        },
        'a SQL parameter object',
      ),
      'an array of SQL parameters',
    ).optional(),
    captureResultSets: bool().optional(),
    maxRows: intIn(1, 1_000_000).default(DEFAULT_MAX_ROWS),
    timeoutSeconds: timeoutSeconds.optional(),
  },
  'a sql job object',
);

/** The `job` field: one of the three job shapes, picked by `type`. */
export const jobSchema = z.discriminatedUnion('type', [processJob, httpJob, sqlJob], expecting('a job object'));
