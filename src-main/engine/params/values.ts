/**
 * The values a run substitutes into its job: built-ins, the schedule's parameters (which may
 * themselves use built-ins), values resolved by query, and the overrides given with "run now".
 */
import { isValidLiteral, LITERAL_FORMS } from '../config/literal-values.ts';
import { NonRetryableError, toError, ValidationError, type Problem } from '../errors.ts';
import type { Run, Schedule, ScheduleParameter } from '../types.ts';
import { collectSecretValues } from '../config/secret-fields.ts';
import { readIsoDate, zonedInstant } from './format-date.ts';
import { placeholdersIn, substitute, TIME_ZONE, type DateValue, type TemplateValue, type TemplateValues } from './template.ts';

/** Resolves a parameter whose value comes from a query (the SQL runner provides it). */
export type QueryResolver = (parameter: ScheduleParameter, signal: AbortSignal) => Promise<string | null>;

/**
 * Per stored version of a schedule, its secret fields that hold placeholders (`"token":
 * "tk-{Attempt}-…"`). Keyed by the job object: every copy of one version shares it (the store
 * hands out its frozen spec), and a saved change makes a new one.
 */
const secretTemplates = new WeakMap<object, string[]>();

/**
 * The secrets as this run has them, which the engine's redactor has not seen: the values of the
 * parameters `schedule` marks secret (given with "run now", read by a query or built from
 * placeholders), and every secret field with placeholders once they are filled in (a secret
 * environment variable, an auth token, a secret header).
 */
export function secretRunValues(schedule: Schedule, values: TemplateValues): string[] {
  const own = new Set<string>();
  for (const parameter of schedule.parameters) {
    const value = parameter.secret === true ? values[parameter.name] : undefined;
    if (typeof value === 'string') own.add(value);
  }
  let templates = secretTemplates.get(schedule.job);
  if (!templates) secretTemplates.set(schedule.job, (templates = collectSecretValues(schedule).filter((t) => placeholdersIn(t).length > 0)));
  for (const template of templates) {
    try {
      own.add(substitute(template, values, { field: 'a secret field' }));
    } catch {
      // An unknown placeholder: the runner fails the run, naming it, before anything is sent.
    }
  }
  return [...own];
}

/** The built-in names, for validation and documentation. */
export const BUILT_IN_NAMES = ['CurrentDate', 'CurrentDateTime', 'ScheduledTime', 'RunId', 'Attempt', 'ScheduleName'] as const;

/**
 * The built-ins a "run now" value may replace: the dates, to re-run a past day. Each takes what
 * readIsoDate reads, the reader dateOverride and a text date's `{Name:format}` use, so what one
 * takes the others take. RunId, Attempt and ScheduleName are the engine's to say (a retry copies
 * the values).
 */
const SETTABLE_BUILT_INS: readonly string[] = ['CurrentDate', 'CurrentDateTime', 'ScheduledTime'];

/** What a run-now date must look like, for messages. */
const DATE_FORM = 'a date such as 2026-01-31, or a date and time such as 2026-01-31T14:30:00 with or without an offset (Z, +01:00, +0100 or +01)';

/** A run's values: by name, and the zone text dates with an offset are shown in. */
type RunValues = Record<string, TemplateValue> & { readonly [TIME_ZONE]: string };

/**
 * Refuses "run now" values for names that are neither a parameter of `schedule` nor a settable
 * built-in (a mistyped name would otherwise run the job with the stored value, and say nothing),
 * and values that do not fit the parameter's type (`CurrentDate=5` would run some day in 2001).
 */
export function checkParameterOverrides(schedule: Schedule, overrides: Readonly<Record<string, string>> | undefined): void {
  if (!overrides) return;
  const declared = schedule.parameters.map((p) => p.name);
  const has = declared.length ? `its parameters are ${declared.join(', ')}` : 'it has none';
  const settable = SETTABLE_BUILT_INS.join(', ');
  const problems = Object.entries(overrides).flatMap(([name, value]): Problem[] => {
    const parameter = schedule.parameters.find((p) => p.name === name);
    const path = `parameters.${name}`;
    let form: string;
    if (parameter) {
      if (isValidLiteral(parameter.type, value)) return [];
      form = LITERAL_FORMS[parameter.type];
    } else if (SETTABLE_BUILT_INS.includes(name)) {
      if (readIsoDate(value)) return [];
      form = DATE_FORM;
    } else {
      const why = (BUILT_IN_NAMES as readonly string[]).includes(name)
        ? `'${name}' is set by the engine for each run`
        : `Schedule '${schedule.name}' has no parameter '${name}' (${has})`;
      return [{ path, message: `${why}; a run-now value may also replace ${settable}` }];
    }
    const shown = parameter?.secret === true ? 'a hidden value' : `\`${value}\``;
    return [{ path, message: `Expected \`${name}\` to be ${form}, got ${shown}` }];
  });
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * A run-now value for a date built-in, as the built-in itself: shown in the schedule's zone with
 * its default format. Without an offset it is a wall-clock time in that zone (`2026-01-31` is its
 * midnight there). checkParameterOverrides has made sure it reads as a date.
 */
function dateOverride(builtIn: DateValue, text: string): TemplateValue {
  const read = readIsoDate(text);
  if (!read) return text;
  return { ...builtIn, epochMs: read.local ? zonedInstant(read.at, builtIn.timezone) : read.at };
}

/** Built-in values for a run starting at `now`, dates rendered in the schedule's zone. */
export function builtInValues(schedule: Schedule, run: Run, now: number, timezone: string): RunValues {
  const date = (epochMs: number, defaultFormat: string): TemplateValue => ({ kind: 'date', epochMs, timezone, defaultFormat });
  return {
    [TIME_ZONE]: timezone,
    CurrentDate: date(now, 'yyyy-MM-dd'),
    CurrentDateTime: date(now, "yyyy-MM-dd'T'HH:mm:ss"),
    ScheduledTime: date(run.scheduledFor, 'o'),
    RunId: run.id,
    Attempt: String(run.attempt),
    ScheduleName: schedule.name,
  };
}

/**
 * All values for a run. A parameter's static value may use built-ins and earlier parameters, as
 * "run now" set them; a query parameter is resolved through `resolveQuery`; a failure names the
 * parameter.
 */
export async function resolveRunValues(
  schedule: Schedule,
  run: Run,
  now: number,
  timezone: string,
  signal: AbortSignal,
  resolveQuery?: QueryResolver,
): Promise<RunValues> {
  const values = builtInValues(schedule, run, now, timezone);
  const overrides = run.parameterOverrides ?? {};
  // First, so that a run-now date reaches every parameter built from it ("{CurrentDate:yyyyMMdd}").
  for (const name of SETTABLE_BUILT_INS) {
    if (Object.hasOwn(overrides, name)) values[name] = dateOverride(values[name] as DateValue, overrides[name]!);
  }
  for (const parameter of schedule.parameters) {
    if (Object.hasOwn(overrides, parameter.name)) {
      values[parameter.name] = overrides[parameter.name]!;
      continue;
    }
    if (parameter.query) {
      if (!resolveQuery) {
        throw new NonRetryableError(`Parameter '${parameter.name}' needs a query resolver for connection '${parameter.query.connection}', and none is available`);
      }
      try {
        values[parameter.name] = await resolveQuery(parameter, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const cause = toError(error);
        const message = `Failed to resolve parameter '${parameter.name}' on '${parameter.query.connection}': ${cause.message}`;
        throw cause instanceof NonRetryableError ? new NonRetryableError(message, { cause }) : new Error(message, { cause });
      }
      continue;
    }
    values[parameter.name] =
      parameter.value === null || parameter.value === undefined
        ? null
        : substitute(parameter.value, values, { field: `parameters.${parameter.name}` });
  }
  return values;
}
