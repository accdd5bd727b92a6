/**
 * The schedule file's front door: parse, translate legacy items, validate every schedule,
 * connection and setting, and return either normalised specs or every problem found, each at
 * a path like `schedules[0] "invoice-processor" › job.executablePath`. Nothing here throws on
 * bad input, whatever its shape.
 */
import type { z } from 'zod';
import { toError, type Problem } from '../errors.ts';
import { hostTimezone } from '../scheduler/cron.ts';
import type { ConnectionSpec, ScheduleSpec } from '../types.ts';
import { duplicateNameProblems, scheduleCrossProblems } from './cross-checks.ts';
import { duplicateKeyMessage, findDuplicateKeys } from './duplicate-keys.ts';
import { findJsonSyntaxError } from './json-errors.ts';
import { isLegacyItem, LegacyConnections, translateLegacyItem } from './legacy-import.ts';
import { describe, formatSegments, isRecord, issueToProblems, type IssueContext, type PathSegment, type RawProblem, unknownField } from './problems.ts';
import { scheduleSchema } from './schedule-schema.ts';
import { isSecretConnectionPath, isSecretSchedulePath, isSecretSettingsPath } from './secret-fields.ts';
import { connectionSchema, settingsSchema, type SettingsPatch } from './settings-schema.ts';

export type { SettingsPatch } from './settings-schema.ts';
export { isValidProcedureName } from './sql-identifiers.ts';

/** A validated, normalised schedule file. */
export interface ScheduleFile {
  schedules: ScheduleSpec[];
  connections: ConnectionSpec[];
  settings: SettingsPatch;
}

/** Either the normalised value or every problem found. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

const FILE_KEYS = ['schedules', 'connections', 'settings'];
const MAX_PROBLEMS = 200;

/** Parses and validates a schedule file's text; a JSON syntax error says its line and column. */
export function parseScheduleFileText(text: string): ValidationResult<ScheduleFile> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch (error) {
    const found = findJsonSyntaxError(body);
    const message = found
      ? `Invalid JSON at line ${found.line}, column ${found.column}: ${found.message}`
      : `Invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, problems: [{ path: '', message }] };
  }
  const duplicates = duplicateKeyProblems(body, input);
  if (duplicates.length > 0) return { ok: false, problems: duplicates };
  return validateScheduleFile(input);
}

/**
 * A key given twice in any object of the file, which JSON.parse would have settled silently (the
 * last one wins). Paths name the item as other problems do (`schedules[0] "nightly" › job.url`).
 */
function duplicateKeyProblems(text: string, input: unknown): Problem[] {
  const { duplicates, total } = findDuplicateKeys(text, MAX_PROBLEMS);
  const problems = duplicates.map((duplicate): Problem => {
    const where = duplicate.objectPath.length === 0 ? 'the top level of the file' : `\`${formatSegments(duplicate.objectPath)}\``;
    const message = duplicateKeyMessage(duplicate, where);
    const path = [...duplicate.objectPath, duplicate.key];
    const [sectionName, index] = path;
    const items = isRecord(input) && (sectionName === 'schedules' || sectionName === 'connections') ? input[sectionName] : undefined;
    if (typeof sectionName !== 'string' || typeof index !== 'number' || !Array.isArray(items)) return toProblem('', { path, message });
    return toProblem(itemPrefix(sectionName, index, items[index]), { path: path.slice(2), message });
  });
  const rest = total - duplicates.length;
  if (rest > 0) problems.push({ path: '', message: `…and ${rest} more duplicate key${rest === 1 ? '' : 's'}` });
  return problems;
}

/** Validates a parsed schedule file, translating items in the original platform's shape. */
export function validateScheduleFile(input: unknown): ValidationResult<ScheduleFile> {
  return guarded(() => checkFile(input));
}

/** Validates one schedule (for the API and UI); paths are relative to it, such as `job.url`. */
export function validateSchedule(input: unknown): ValidationResult<ScheduleSpec> {
  return guarded(() => {
    const result = checkSchedule(input, undefined, []);
    if (result.value) return { ok: true, value: result.value };
    return { ok: false, problems: capped(result.problems.map((p) => toProblem('', p))) };
  });
}

/** The last line of "never throws": an input no check foresaw (a throwing getter) is a problem too. */
function guarded<T>(run: () => ValidationResult<T>): ValidationResult<T> {
  try {
    return run();
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: `The input could not be validated: ${toError(error).message}` }] };
  }
}

function checkFile(input: unknown): ValidationResult<ScheduleFile> {
  if (!isRecord(input)) {
    const message = `Expected the schedule file to be an object with \`schedules\`, \`connections\` and \`settings\`, got ${describe(input)}`;
    return { ok: false, problems: [{ path: '', message }] };
  }
  const problems: Problem[] = [];
  for (const key of Object.keys(input).filter((k) => !FILE_KEYS.includes(k))) {
    problems.push({ path: key, message: unknownField(key, FILE_KEYS, 'the schedule file') });
  }
  const rawSchedules = section(input, 'schedules', 'an array of schedules', problems);
  const rawConnections = section(input, 'connections', 'an array of connections', problems);
  const legacy = new LegacyConnections(rawConnections);
  const translations = rawSchedules.map((item, index) =>
    isRecord(item) && isLegacyItem(item) ? translateLegacyItem(item, legacy, `schedule-${index + 1}`) : undefined,
  );
  const candidates = rawSchedules.map((item, index) => translations[index]?.item ?? item);
  const duplicates = new Map(duplicateNameProblems(candidates, 'schedule').map((d) => [d.index, d.message]));
  const schedules: ScheduleSpec[] = [];
  candidates.forEach((candidate, index) => {
    const translation = translations[index];
    const duplicate = duplicates.get(index);
    const result = checkSchedule(candidate, translation?.rewritePath, duplicate ? [{ path: ['name'], message: duplicate }] : []);
    const found = translation ? [...translation.problems, ...withoutCovered(result.problems, translation.problems)] : result.problems;
    problems.push(...found.map((p) => toProblem(itemPrefix('schedules', index, candidate), p)));
    if (result.value) schedules.push(result.value);
  });
  const allConnections = [...rawConnections, ...legacy.added];
  const connectionDuplicates = new Map(duplicateNameProblems(allConnections, 'connection').map((d) => [d.index, d.message]));
  const connections: ConnectionSpec[] = [];
  allConnections.forEach((raw, index) => {
    const context: IssueContext = { itemNoun: 'connection', isHidden: isSecretConnectionPath };
    const result = parse(connectionSchema, raw, context);
    const duplicate = connectionDuplicates.get(index);
    if (duplicate) result.problems.push({ path: ['name'], message: duplicate });
    problems.push(...result.problems.map((p) => toProblem(itemPrefix('connections', index, raw), p)));
    if (result.value && result.problems.length === 0) connections.push(result.value);
  });
  const settings = checkSettings(input.settings === undefined ? {} : input.settings);
  problems.push(...settings.problems.map((p) => toProblem('settings', p)));
  if (problems.length > 0) return { ok: false, problems: capped(problems) };
  return { ok: true, value: { schedules, connections, settings: settings.value ?? {} } };
}

function checkSchedule(
  raw: unknown,
  rewrite: ((path: PathSegment[]) => PathSegment[]) | undefined,
  extra: RawProblem[],
): { value?: ScheduleSpec; problems: RawProblem[] } {
  const context: IssueContext = { itemNoun: 'schedule', isHidden: (path) => isSecretSchedulePath(raw, path), rewrite };
  const result = parse(scheduleSchema, raw, context);
  const more = [...extra, ...scheduleCrossProblems(raw)].map((p) => ({ ...p, path: rewrite ? rewrite(p.path) : p.path }));
  const problems = [...result.problems, ...more];
  if (problems.length > 0 || !result.value) return { problems };
  return { value: finishSchedule(result.value), problems };
}

/** Fills what depends on other fields or on the host; the zone is fixed now, not at run time. */
function finishSchedule(parsed: z.output<typeof scheduleSchema>): ScheduleSpec {
  const maxParallel = parsed.overlap === 'parallel' ? (parsed.maxParallel ?? 2) : undefined;
  const spec: ScheduleSpec = {
    name: parsed.name,
    description: parsed.description,
    cron: parsed.cron.trim(),
    timezone: parsed.timezone ?? hostTimezone(),
    enabled: parsed.enabled,
    tags: [...new Set(parsed.tags)],
    job: parsed.job,
    parameters: parsed.parameters,
    timeoutSeconds: parsed.timeoutSeconds,
    retry: parsed.retry,
    overlap: parsed.overlap,
    maxParallel,
    misfire: parsed.misfire,
    misfireThresholdSeconds: parsed.misfireThresholdSeconds,
    priority: parsed.priority,
    notify: parsed.notify,
  };
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)) as unknown as ScheduleSpec;
}

function checkSettings(raw: unknown): { value?: SettingsPatch; problems: RawProblem[] } {
  const result = parse(settingsSchema, raw, { itemNoun: 'settings', isHidden: isSecretSettingsPath });
  const webhooks = isRecord(raw) && Array.isArray(raw.webhooks) ? raw.webhooks : [];
  for (const duplicate of duplicateNameProblems(webhooks, 'webhook')) {
    result.problems.push({ path: ['webhooks', duplicate.index, 'name'], message: duplicate.message });
  }
  return result;
}

function parse<Schema extends z.ZodType>(schema: Schema, raw: unknown, context: IssueContext): { value?: z.output<Schema>; problems: RawProblem[] } {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] };
  return { problems: result.error.issues.flatMap((issue) => issueToProblems(issue, context)) };
}

function section(input: Record<string, unknown>, key: string, phrase: string, problems: Problem[]): unknown[] {
  const value = input[key];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  problems.push({ path: key, message: `Expected \`${key}\` to be ${phrase}, got ${describe(value)}` });
  return [];
}

/** Drops validator problems at or under a path the legacy translation already reported. */
function withoutCovered(problems: RawProblem[], reported: RawProblem[]): RawProblem[] {
  const covers = (outer: PathSegment[], inner: PathSegment[]): boolean => outer.every((segment, i) => inner[i] === segment);
  return problems.filter((p) => !reported.some((r) => covers(r.path, p.path)));
}

/** An item's place in a file as problems name it: `schedules[2] "nightly"`. */
export function itemPrefix(sectionName: string, index: number, item: unknown): string {
  const name = isRecord(item) && typeof item.name === 'string' && item.name !== '' ? item.name : undefined;
  if (name === undefined) return `${sectionName}[${index}]`;
  const shown = name.length > 60 ? `${name.slice(0, 59)}…` : name;
  return `${sectionName}[${index}] ${JSON.stringify(shown)}`;
}

function toProblem(prefix: string, problem: RawProblem): Problem {
  const relative = formatSegments(problem.path);
  return { path: prefix && relative ? `${prefix} › ${relative}` : prefix || relative, message: problem.message };
}

function capped(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const rest = problems.length - MAX_PROBLEMS;
  return [...problems.slice(0, MAX_PROBLEMS), { path: '', message: `…and ${rest} more problem${rest === 1 ? '' : 's'}` }];
}
