/**
 * Import of schedules written for the original Quartz.NET platform. An item of `schedules[]`
 * with the original Schedule's PascalCase keys (Name, CronExpression, JobType, JobConfiguration,
 * TimeoutMinutes, MaxRetries, RetryDelayMinutes, JobParameters, ...) is in that shape; an item
 * in our shape whose `job` has JobConfiguration keys (ExecutablePath, Url, ...) holds one. Both are
 * translated into our shape and then validated as usual, with problem paths pointing back at
 * the fields the author wrote. Inline connection strings become named connections.
 */
import { DEFAULT_RETRY, type ConnectionSpec, type JobType } from '../types.ts';
import { isValidEntityName } from './fields.ts';
import { MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS } from './job-schema.ts';
import { LEGACY_JOB_KEYS, legacyJobType, minutesToSeconds, translateLegacyJob, type ConnectionNamer } from './legacy-job.ts';
import { describe, isRecord, unknownField, type PathSegment, type RawProblem } from './problems.ts';
import { quartzToCron } from './quartz-cron.ts';
import { isValidTimezone } from '../scheduler/cron.ts';
import { windowsToIana } from './windows-timezones.ts';

/** A translated item, the problems of the translation, and the path mapping back to it. */
export interface LegacyTranslation {
  item: Record<string, unknown>;
  problems: RawProblem[];
  /** Maps a path in the translated item to the path the author wrote. */
  rewritePath(path: PathSegment[]): PathSegment[];
}

const SCHEDULE_KEYS = [
  'Name',
  'Description',
  'CronExpression',
  'TimeZone',
  'IsEnabled',
  'JobType',
  'JobConfiguration',
  'TimeoutMinutes',
  'MaxRetries',
  'RetryDelayMinutes',
  'JobParameters',
];
const PARAMETER_KEYS = ['ParameterName', 'ParameterType', 'ParameterValue', 'SourceQuery', 'SourceConnectionString', 'IsDynamic'];
/** .NET type names the original's ParameterType may hold, and ours. */
const TYPE_ALIASES: Record<string, string> = {
  int32: 'int',
  int64: 'bigint',
  long: 'bigint',
  bool: 'bit',
  boolean: 'bit',
  guid: 'uniqueidentifier',
};
const LEGACY_MULTIPLIER = 2;

const LEGACY_JOB_FIELDS = new Set(['JobType', 'Type', ...Object.values(LEGACY_JOB_KEYS).flatMap((keys) => Object.keys(keys))]);
const isLegacyScheduleKey = (key: string): boolean => SCHEDULE_KEYS.includes(key);

/**
 * True when a `schedules[]` item needs translating: it holds a key of the original Schedule, or
 * its `job` holds a key of an original JobConfiguration. A stray PascalCase key in an item of
 * our shape is not enough; the normal validator reports it ("did you mean `shell`?").
 */
export function isLegacyItem(item: unknown): boolean {
  if (!isRecord(item)) return false;
  if (Object.keys(item).some(isLegacyScheduleKey)) return true;
  return isRecord(item.job) && Object.keys(item.job).some((key) => LEGACY_JOB_FIELDS.has(key));
}

/**
 * Names inline connection strings: one connection per distinct string, reusing a file
 * connection that already holds it, named `legacy-<schedule>` (then `-2`, `-3`, ...).
 */
export class LegacyConnections implements ConnectionNamer {
  readonly added: ConnectionSpec[] = [];
  private readonly byString = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(existing: unknown) {
    for (const connection of Array.isArray(existing) ? existing : []) {
      if (!isRecord(connection) || typeof connection.name !== 'string') continue;
      this.taken.add(connection.name.toLowerCase());
      if (typeof connection.connectionString === 'string') this.byString.set(connection.connectionString, connection.name);
    }
  }

  nameFor(connectionString: string, baseName: string): string {
    const known = this.byString.get(connectionString);
    if (known !== undefined) return known;
    const base = safeName(baseName);
    let name = base;
    for (let n = 2; this.taken.has(name.toLowerCase()); n += 1) name = `${base.slice(0, 95)}-${n}`;
    this.taken.add(name.toLowerCase());
    this.byString.set(connectionString, name);
    this.added.push({ name, type: 'sqlserver', connectionString });
    return name;
  }
}

/** Translates one legacy item; `fallbackName` names its connections when it has no Name. */
export function translateLegacyItem(item: Record<string, unknown>, connections: LegacyConnections, fallbackName: string): LegacyTranslation {
  if (!Object.keys(item).some(isLegacyScheduleKey)) return translateOwnShape(item, connections, fallbackName);
  const problems: RawProblem[] = [];
  for (const key of Object.keys(item)) {
    if (SCHEDULE_KEYS.includes(key)) continue;
    problems.push({ path: [key], message: unknownField(key, SCHEDULE_KEYS, 'a legacy schedule') });
  }
  const given = (key: string): unknown => (item[key] === null ? undefined : item[key]);
  const name = typeof item.Name === 'string' ? item.Name : fallbackName;
  const job = translateLegacyJob(given('JobType'), given('JobConfiguration'), {
    base: ['JobConfiguration'],
    typePath: ['JobType'],
    scheduleName: name,
    connections,
  });
  problems.push(...job.problems);
  const out: Record<string, unknown> = {
    name: given('Name'),
    description: given('Description'),
    cron: legacyCron(given('CronExpression'), problems),
    timezone: legacyTimezone(given('TimeZone')),
    enabled: given('IsEnabled'),
    job: job.job,
    timeoutSeconds: minutesToSeconds(given('TimeoutMinutes'), ['TimeoutMinutes'], problems, MIN_TIMEOUT_SECONDS),
    retry: legacyRetry(given('MaxRetries'), given('RetryDelayMinutes'), problems),
    parameters: legacyParameters(given('JobParameters'), name, job.connection, connections, problems),
  };
  const rules: Rule[] = [
    [['name'], ['Name']],
    [['description'], ['Description']],
    [['cron'], ['CronExpression']],
    [['timezone'], ['TimeZone']],
    [['enabled'], ['IsEnabled']],
    [['timeoutSeconds'], ['TimeoutMinutes']],
    [['retry', 'maxRetries'], ['MaxRetries']],
    [['retry'], ['RetryDelayMinutes'], 'collapse'],
    [['parameters', '*', 'name'], ['JobParameters', '*', 'ParameterName']],
    [['parameters', '*', 'type'], ['JobParameters', '*', 'ParameterType']],
    [['parameters', '*', 'value'], ['JobParameters', '*', 'ParameterValue']],
    [['parameters', '*', 'query', 'connection'], ['JobParameters', '*', 'SourceConnectionString']],
    [['parameters', '*', 'query'], ['JobParameters', '*', 'SourceQuery'], 'collapse'],
    [['parameters'], ['JobParameters']],
    [['job', 'type'], ['JobType']],
    ...jobRules(job.type, ['JobConfiguration']),
  ];
  return { item: compact(out), problems, rewritePath: rewriter(rules) };
}

/** Our shape with a PascalCase `job`: only the job is translated. */
function translateOwnShape(item: Record<string, unknown>, connections: LegacyConnections, fallbackName: string): LegacyTranslation {
  const rawJob = isRecord(item.job) ? item.job : {};
  const typeKey = ['JobType', 'Type', 'type'].find((key) => rawJob[key] !== undefined);
  const config = Object.fromEntries(Object.entries(rawJob).filter(([key]) => key !== typeKey));
  const jobType = typeKey === undefined ? inferJobType(config) : rawJob[typeKey];
  const name = typeof item.name === 'string' ? item.name : fallbackName;
  const typePath = ['job', typeKey ?? 'JobType'];
  const job = translateLegacyJob(jobType, config, { base: ['job'], typePath, scheduleName: name, connections });
  const rules: Rule[] = [[['job', 'type'], typePath], ...jobRules(job.type, ['job'])];
  return { item: { ...item, job: job.job }, problems: job.problems, rewritePath: rewriter(rules) };
}

function inferJobType(config: Record<string, unknown>): JobType | undefined {
  if ('ExecutablePath' in config) return 'process';
  if ('Url' in config) return 'http';
  if ('ProcedureName' in config || 'ConnectionString' in config) return 'sql';
  return undefined;
}

function legacyCron(value: unknown, problems: RawProblem[]): unknown {
  if (typeof value !== 'string') return value;
  const translated = quartzToCron(value);
  if (translated.ok) return translated.cron;
  problems.push({ path: ['CronExpression'], message: translated.message });
  return value;
}

function legacyTimezone(value: unknown): unknown {
  if (typeof value !== 'string' || isValidTimezone(value)) return value;
  return windowsToIana(value) ?? value;
}

/** Legacy retries: RetryDelayMinutes × 2^attempt, uncapped; the cap is set so none is cut. */
function legacyRetry(maxRetries: unknown, delayMinutes: unknown, problems: RawProblem[]): Record<string, unknown> {
  const delay = minutesToSeconds(delayMinutes, ['RetryDelayMinutes'], problems) ?? (delayMinutes === 0 ? 0 : DEFAULT_RETRY.delaySeconds);
  const retries = typeof maxRetries === 'number' && maxRetries > 0 ? Math.min(maxRetries, 100) : 1;
  const longest = Math.min(delay * LEGACY_MULTIPLIER ** (retries - 1), MAX_TIMEOUT_SECONDS);
  return compact({
    maxRetries,
    delaySeconds: delay,
    multiplier: LEGACY_MULTIPLIER,
    maxDelaySeconds: Math.max(DEFAULT_RETRY.maxDelaySeconds, longest),
  });
}

function legacyParameters(
  value: unknown,
  scheduleName: string,
  jobConnection: string | undefined,
  connections: LegacyConnections,
  problems: RawProblem[],
): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((parameter: unknown, index) => {
    if (!isRecord(parameter)) return parameter;
    for (const key of Object.keys(parameter)) {
      if (!PARAMETER_KEYS.includes(key)) {
        problems.push({ path: ['JobParameters', index, key], message: unknownField(key, PARAMETER_KEYS, 'a legacy job parameter') });
      }
    }
    const given = typeof parameter.ParameterType === 'string' ? parameter.ParameterType.trim().toLowerCase() : parameter.ParameterType;
    const type = typeof given === 'string' && Object.hasOwn(TYPE_ALIASES, given) ? TYPE_ALIASES[given] : given;
    const raw = parameter.ParameterValue;
    const literal = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    const sql = parameter.SourceQuery;
    // A dynamic parameter's ParameterValue held the last resolved value; the query replaces it.
    if (typeof sql !== 'string' || sql.trim() === '' || parameter.IsDynamic === false) {
      return compact({ name: parameter.ParameterName, type, value: literal });
    }
    const source = parameter.SourceConnectionString;
    const paramName = typeof parameter.ParameterName === 'string' ? parameter.ParameterName : String(index);
    let connection = jobConnection;
    if (typeof source === 'string' && source.trim() !== '') connection = connections.nameFor(source, `legacy-${scheduleName}-${paramName}`);
    if (connection === undefined) {
      problems.push({
        path: ['JobParameters', index, 'SourceConnectionString'],
        message: `A \`SourceQuery\` needs a \`SourceConnectionString\`, got ${describe(source, true)}`,
      });
    }
    return compact({ name: parameter.ParameterName, type, query: { connection: connection ?? '', sql } });
  });
}

/** [our path prefix, the author's path prefix, whether deeper paths stop at the author's field]. */
type Rule = [PathSegment[], PathSegment[], ('collapse' | undefined)?];

function jobRules(type: JobType | undefined, base: PathSegment[]): Rule[] {
  if (type === undefined) return [[['job'], base]];
  const rules: Rule[] = [];
  for (const [legacy, ours] of Object.entries(LEGACY_JOB_KEYS[type])) {
    if (ours !== 'auth') rules.push([['job', ours], [...base, legacy]]);
  }
  if (type === 'http') {
    rules.push([['job', 'auth', 'type'], [...base, 'AuthorizationType']], [['job', 'auth'], [...base, 'AuthorizationValue'], 'collapse']);
  }
  rules.push([['job'], base]);
  return rules;
}

/** A path mapper from rules; `*` in a rule matches one index and is kept. */
function rewriter(rules: Rule[]): (path: PathSegment[]) => PathSegment[] {
  return (path) => {
    for (const [from, to, collapse] of rules) {
      const indices = matchPrefix(from, path);
      if (indices === null) continue;
      const head = to.map((segment) => (segment === '*' ? (indices.shift() ?? segment) : segment));
      return collapse === 'collapse' ? head : [...head, ...path.slice(from.length)];
    }
    return path;
  };
}

function matchPrefix(pattern: PathSegment[], path: PathSegment[]): number[] | null {
  if (pattern.length > path.length) return null;
  const indices: number[] = [];
  for (const [i, segment] of pattern.entries()) {
    const actual = path[i];
    if (segment === '*' && typeof actual === 'number') indices.push(actual);
    else if (segment !== actual) return null;
  }
  return indices;
}

function safeName(base: string): string {
  const cleaned = base.replace(/[^\p{L}\p{N} _.-]/gu, '-').trim().slice(0, 100).trim();
  return isValidEntityName(cleaned) ? cleaned : 'legacy-connection';
}

function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
