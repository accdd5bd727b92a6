/**
 * The schema of one schedule: when it runs (cron, time zone), what it runs (job), with which
 * parameters, and what happens on overlap, misfire, failure (retry) and for notifications.
 * Field-level rules live here; rules that span fields are in cross-checks.ts.
 */
import { z } from 'zod';
import { isValidTimezone, parseCron } from '../scheduler/cron.ts';
import { DEFAULT_RETRY, type NotifyEvent } from '../types.ts';
import {
  bool,
  email,
  entityName,
  expecting,
  identifier,
  intIn,
  isReservedKey,
  list,
  nonEmptyString,
  numberIn,
  oneOf,
  strictObject,
  text,
} from './fields.ts';
import { jobSchema, MAX_TIMEOUT_SECONDS, timeLimitSeconds } from './job-schema.ts';
import { PARAMETER_TYPES } from './literal-values.ts';
import { windowsToIana } from './windows-timezones.ts';

/** Every event a schedule can be notified of. */
export const NOTIFY_EVENTS = [
  'failure',
  'retries_exhausted',
  'success',
  'recovered',
  'long_running',
  'skipped',
] as const satisfies readonly NotifyEvent[];

/** The events a recipient gets when the schedule names none. */
export const DEFAULT_NOTIFY_ON: readonly NotifyEvent[] = ['retries_exhausted'];

const seconds = timeLimitSeconds();

const cron = z
  .string(expecting('a cron expression such as "0 30 2 * * *"'))
  // Checked first and alone: no real expression is longer, and a message quoting it stays readable.
  .max(1000, { ...expecting('a cron expression of at most 1000 characters'), abort: true })
  .superRefine((expression, ctx) => {
  try {
    if (parseCron(expression, 'UTC').next(Date.now()) === null) {
      ctx.addIssue({ code: 'custom', message: `Cron expression \`${expression}\` never fires (no such date)` });
    }
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

const timezone = z.string(expecting('an IANA time zone name such as America/Chicago')).superRefine((zone, ctx) => {
  if (isValidTimezone(zone)) return;
  const iana = windowsToIana(zone);
  const hint = iana ? `; the Windows zone \`${zone}\` is \`${iana}\`` : '; use an IANA name such as America/Chicago';
  ctx.addIssue({ code: 'custom', message: `Unknown time zone \`${zone}\`${hint}` });
});

const nullableString = z.string(expecting('a string or null')).nullable();

/** A parameter's name becomes a key of the run's values and of run-now overrides, so it may not be a reserved one. */
const parameterName = identifier().refine((name) => !isReservedKey(name), expecting('an identifier other than __proto__, constructor or prototype'));

const parameter = strictObject(
  {
    name: parameterName,
    type: oneOf(PARAMETER_TYPES),
    value: nullableString.optional(),
    secret: bool().optional(),
    query: strictObject(
      { connection: nonEmptyString('a connection name', 100), sql: nonEmptyString('a non-empty SQL query') },
      'a query object with `connection` and `sql`',
    ).optional(),
    cacheSeconds: numberIn(0, MAX_TIMEOUT_SECONDS).optional(),
    default: nullableString.optional(),
  },
  'a parameter object',
);

const retry = strictObject(
  {
    maxRetries: intIn(0, 100).default(DEFAULT_RETRY.maxRetries),
    delaySeconds: numberIn(0, MAX_TIMEOUT_SECONDS).default(DEFAULT_RETRY.delaySeconds),
    multiplier: numberIn(1, 10).default(DEFAULT_RETRY.multiplier),
    jitter: numberIn(0, 1).default(DEFAULT_RETRY.jitter),
    maxDelaySeconds: numberIn(0, MAX_TIMEOUT_SECONDS).default(DEFAULT_RETRY.maxDelaySeconds),
    maxTotalSeconds: seconds.optional(),
  },
  'a retry object',
).default(() => ({ ...DEFAULT_RETRY }));

const events = list(oneOf(NOTIFY_EVENTS), 'an array of events').default(() => [...DEFAULT_NOTIFY_ON]);
const addresses = list(email(), 'an array of email addresses');

const notify = strictObject(
  {
    email: strictObject(
      // An empty `to` sends to settings.notify.defaultTo.
      { to: addresses.default(() => []), cc: addresses.optional(), on: events },
      'an email object with `to`',
    ).optional(),
    webhook: strictObject({ target: nonEmptyString('a webhook name', 100), on: events }, 'a webhook object').optional(),
    longRunningSeconds: seconds.optional(),
  },
  'a notify object',
);

/**
 * One schedule as the file holds it, with defaults filled. `timezone` stays optional here and
 * is filled with the host's zone by validate.ts, so a stored schedule keeps its zone even if
 * the host's changes later.
 */
export const scheduleSchema = strictObject(
  {
    name: entityName(),
    description: text(2000).optional(),
    cron,
    timezone: timezone.optional(),
    enabled: bool().default(true),
    tags: list(nonEmptyString('a non-empty tag', 50), 'an array of tags').default(() => []),
    job: jobSchema,
    parameters: list(parameter, 'an array of parameters').default(() => []),
    timeoutSeconds: seconds.optional(),
    retry,
    overlap: oneOf(['skip', 'queue', 'parallel']).default('skip'),
    maxParallel: intIn(1, 1000).optional(),
    misfire: oneOf(['fire_once', 'skip', 'fire_all']).default('fire_once'),
    misfireThresholdSeconds: numberIn(0, MAX_TIMEOUT_SECONDS).default(60),
    priority: intIn(-100, 100).default(0),
    notify: notify.optional(),
  },
  'a schedule object',
);
