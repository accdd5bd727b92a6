/**
 * The argument schemas of the API methods, and the one function that checks a call's arguments
 * against them: invalid input becomes a ValidationError whose problems name the field
 * ("Expected `count` to be an integer from 1 to 50, got `99` (number)").
 */
import { z } from 'zod';
import { MAX_TIMEOUT_SECONDS } from '../engine/config/job-schema.ts';
import { bool, email, intIn, list, nonEmptyString, oneOf, stringMap, strictObject, text } from '../engine/config/fields.ts';
import { formatSegments, issueToProblems } from '../engine/config/problems.ts';
import { ValidationError } from '../engine/errors.ts';
import { RUN_STATUSES } from '../engine/types.ts';

const name = () => nonEmptyString('a schedule name', 200);
const id = () => nonEmptyString('a run id', 200);
const epochMs = () => intIn(0, 8_640_000_000_000_000);

/** Most rows one listRuns page returns. */
export const MAX_PAGE = 500;
/** Most bytes one readOutput call returns. */
export const MAX_READ_BYTES = 1024 * 1024;

/** Argument schemas by method (methods without arguments ignore what they are given). */
export const ARGS = {
  name: strictObject({ name: name() }, 'an object with `name`'),
  spec: strictObject({ spec: z.unknown() }, 'an object with `spec`'),
  update: strictObject({ name: name(), spec: z.unknown() }, 'an object with `name` and `spec`'),
  enabled: strictObject({ name: name(), enabled: bool() }, 'an object with `name` and `enabled`'),
  paused: strictObject({ name: name(), paused: bool() }, 'an object with `name` and `paused`'),
  pausedAll: strictObject({ paused: bool() }, 'an object with `paused`'),
  next: strictObject(
    { cron: nonEmptyString('a cron expression', 500), timezone: nonEmptyString('an IANA time zone', 100).optional(), count: intIn(1, 50).optional() },
    'an object with `cron`',
  ),
  trigger: strictObject(
    {
      name: name(),
      parameters: stringMap(z.string(), 'an object of parameter names to string values').optional(),
      timeoutSeconds: intIn(1, MAX_TIMEOUT_SECONDS).optional(),
    },
    'an object with `name`',
  ),
  id: strictObject({ id: id() }, 'an object with `id`'),
  runs: strictObject(
    {
      schedule: name().optional(),
      statuses: list(oneOf(RUN_STATUSES), 'an array of run statuses').optional(),
      from: epochMs().optional(),
      to: epochMs().optional(),
      limit: intIn(1, MAX_PAGE).optional(),
      before: strictObject({ createdAt: epochMs(), id: id() }, 'an object with `createdAt` and `id`').optional(),
    },
    'a run query object',
  ),
  output: strictObject(
    {
      id: id(),
      stream: oneOf(['stdout', 'stderr']),
      offset: intIn(0, Number.MAX_SAFE_INTEGER).optional(),
      length: intIn(1, MAX_READ_BYTES).optional(),
    },
    'an object with `id` and `stream`',
  ),
  connection: strictObject({ connection: z.unknown() }, 'an object with `connection`'),
  settings: strictObject({ settings: z.unknown() }, 'an object with `settings`'),
  testNotify: strictObject(
    { email: email().optional(), webhook: nonEmptyString('a webhook name', 200).optional() },
    'an object with `email` and/or `webhook`',
  ),
  importFile: strictObject({ text: text(50 * 1024 * 1024), replace: bool().optional() }, 'an object with `text`'),
} as const;

/**
 * Checks `input` against `schema`; throws a ValidationError naming each bad field. A missing
 * argument object counts as `{}`. Trigger parameter values are never shown (they may be secret).
 */
export function parseArgs<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const context = { itemNoun: 'arguments', isHidden: (path: readonly (string | number)[]) => path[0] === 'parameters' };
  const problems = result.error.issues
    .flatMap((issue) => issueToProblems(issue, context))
    .map((p) => ({ path: formatSegments(p.path), message: p.message }));
  throw new ValidationError(problems);
}
