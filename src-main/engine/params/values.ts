/**
 * The values a run substitutes into its job: built-ins, the schedule's parameters (which may
 * themselves use built-ins), values resolved by query, and the overrides given with "run now".
 */
import { isValidLiteral, LITERAL_FORMS } from '../config/literal-values.ts';
import { NonRetryableError, toError, ValidationError, type Problem } from '../errors.ts';
import type { ParameterType, Run, Schedule, ScheduleParameter } from '../types.ts';
import { collectSecretValues } from '../config/secret-fields.ts';
import { placeholdersIn, substitute, type TemplateValue } from './template.ts';

/** Resolves a parameter whose value comes from a query (the SQL runner provides it). */
export type QueryResolver = (parameter: ScheduleParameter, signal: AbortSignal) => Promise<string | null>;

/** Per schedule, its secret fields that hold placeholders (`"token": "tk-{Attempt}-…"`). */
const secretTemplates = new WeakMap<Schedule, string[]>();

/**
 * The secrets as this run has them, which the engine's redactor has not seen: the values of the
 * parameters `schedule` marks secret (given with "run now", read by a query or built from
 * placeholders), and every secret field with placeholders once they are filled in (a secret
 * environment variable, an auth token, a secret header).
 */
export function secretRunValues(schedule: Schedule, values: Readonly<Record<string, TemplateValue>>): string[] {
  const own = new Set<string>();
  for (const parameter of schedule.parameters) {
    const value = parameter.secret === true ? values[parameter.name] : undefined;
    if (typeof value === 'string') own.add(value);
  }
  let templates = secretTemplates.get(schedule);
  if (!templates) secretTemplates.set(schedule, (templates = collectSecretValues(schedule).filter((t) => placeholdersIn(t).length > 0)));
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

/** What a "run now" value for a built-in must look like. */
const BUILT_IN_TYPES: Record<(typeof BUILT_IN_NAMES)[number], ParameterType> = {
  CurrentDate: 'date',
  CurrentDateTime: 'datetime2',
  ScheduledTime: 'datetime2',
  RunId: 'string',
  Attempt: 'int',
  ScheduleName: 'string',
};

/**
 * Refuses "run now" values for names that are neither a parameter of `schedule` nor a built-in
 * (a mistyped name would otherwise run the job with the stored value, and say nothing), and values
 * that do not fit the parameter's type (`CurrentDate=5` would run some day in 2001).
 */
export function checkParameterOverrides(schedule: Schedule, overrides: Readonly<Record<string, string>> | undefined): void {
  if (!overrides) return;
  const declared = schedule.parameters.map((p) => p.name);
  const has = declared.length ? `its parameters are ${declared.join(', ')}` : 'it has none';
  const problems = Object.entries(overrides).flatMap(([name, value]): Problem[] => {
    const parameter = schedule.parameters.find((p) => p.name === name);
    const type = parameter?.type ?? (Object.hasOwn(BUILT_IN_TYPES, name) ? BUILT_IN_TYPES[name as keyof typeof BUILT_IN_TYPES] : undefined);
    const path = `parameters.${name}`;
    if (type === undefined) {
      return [{ path, message: `Schedule '${schedule.name}' has no parameter '${name}' (${has}; built-ins: ${BUILT_IN_NAMES.join(', ')})` }];
    }
    if (isValidLiteral(type, value)) return [];
    const shown = parameter?.secret === true ? 'a hidden value' : `\`${value}\``;
    return [{ path, message: `Expected \`${name}\` to be ${LITERAL_FORMS[type]}, got ${shown}` }];
  });
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Built-in values for a run starting at `now`, dates rendered in the schedule's zone. */
export function builtInValues(schedule: Schedule, run: Run, now: number, timezone: string): Record<string, TemplateValue> {
  const date = (epochMs: number, defaultFormat: string): TemplateValue => ({ kind: 'date', epochMs, timezone, defaultFormat });
  return {
    CurrentDate: date(now, 'yyyy-MM-dd'),
    CurrentDateTime: date(now, "yyyy-MM-dd'T'HH:mm:ss"),
    ScheduledTime: date(run.scheduledFor, 'o'),
    RunId: run.id,
    Attempt: String(run.attempt),
    ScheduleName: schedule.name,
  };
}

/**
 * All values for a run. A parameter's static value may use built-ins and earlier parameters; a
 * query parameter is resolved through `resolveQuery`; a failure names the parameter.
 */
export async function resolveRunValues(
  schedule: Schedule,
  run: Run,
  now: number,
  timezone: string,
  signal: AbortSignal,
  resolveQuery?: QueryResolver,
): Promise<Record<string, TemplateValue>> {
  const values: Record<string, TemplateValue> = builtInValues(schedule, run, now, timezone);
  const overrides = run.parameterOverrides ?? {};
  for (const parameter of schedule.parameters) {
    if (Object.hasOwn(overrides, parameter.name)) continue;
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
  for (const [name, value] of Object.entries(overrides)) values[name] = value;
  return values;
}
