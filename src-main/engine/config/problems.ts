/**
 * Problems found in a schedule file, and the translation of zod issues into them. Schemas say
 * what a field should be as a phrase ("a positive number"); this module turns an issue into
 * "Expected `timeoutSeconds` to be a positive number, got `-1` (number)" at a readable path.
 */
import type { z } from 'zod';

/** A path inside one item (a schedule, a connection, the settings), before formatting. */
export type PathSegment = string | number;

/** A problem whose path is still segments, relative to the item being validated. */
export interface RawProblem {
  path: PathSegment[];
  message: string;
}

/** Marks a schema's own error text as an expectation phrase ("a positive number"). */
export const EXPECT_MARK = '\u0000expect:';
/** Marks an unknown-field issue; the allowed field names follow, comma-separated. */
export const UNKNOWN_MARK = '\u0000unknown:';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_SHOWN = 60;

/** Formats segments as `job.arguments[1]` or `job.headers["X-API-Key"]`. */
export function formatSegments(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** The name a message uses for a field: its last key with any indices after it. */
export function fieldLabel(path: readonly PathSegment[], fallback: string): string {
  let start = path.length - 1;
  while (start >= 0 && typeof path[start] === 'number') start -= 1;
  if (start < 0) return path.length === 0 ? fallback : `${fallback}${formatSegments(path)}`;
  const key = String(path[start]);
  return key + formatSegments(path.slice(start + 1));
}

/**
 * Describes a bad value like describeValue in errors.ts ("`-1` (number)"), but shows a string
 * without its JSON quotes ("`ftp` (string)"), shortens long values and hides secret ones.
 */
export function describe(value: unknown, hidden = false): string {
  const type = value === null ? 'null' : typeof value;
  if (value === '') return 'an empty string';
  if (hidden) return `a hidden value (${type})`;
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Array.isArray(value) ? 'an array too deep to show' : String(value);
  }
  if (text.length > MAX_SHOWN) text = `${text.slice(0, MAX_SHOWN - 1)}…`;
  return `\`${text}\` (${type})`;
}

/** How the mapper shows a field: its label's fallback and whether its value is secret. */
export interface IssueContext {
  /** The item's own name in messages when the path is empty: "schedule", "connection". */
  itemNoun: string;
  /** True when the value at this (unrewritten) path must not be shown. */
  isHidden(path: readonly PathSegment[]): boolean;
  /** Maps a path to the one the author wrote (legacy import); identity when absent. */
  rewrite?(path: PathSegment[]): PathSegment[];
}

/** Turns one zod issue (parsed with `reportInput: true`) into problems. */
export function issueToProblems(issue: z.core.$ZodIssue, context: IssueContext): RawProblem[] {
  const original = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  const path = context.rewrite ? context.rewrite(original) : original;
  const label = fieldLabel(path, context.itemNoun);
  const shown = (): string => {
    if ('received' in issue && (issue.received === 'NaN' || issue.received === 'Infinity')) {
      return `\`${String(issue.received)}\` (number)`;
    }
    return describe(issue.input, context.isHidden(original));
  };
  if (issue.code === 'unrecognized_keys') {
    const allowed = issue.message.startsWith(UNKNOWN_MARK) ? issue.message.slice(UNKNOWN_MARK.length).split(',') : [];
    return issue.keys.map((key) => ({ path: [...path, key], message: unknownField(key, allowed, `\`${label}\``) }));
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    const where = formatSegments(path);
    const options = ('options' in issue ? (issue.options ?? []) : []).map(String).join(', ');
    const value = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
    if (value === undefined) return [{ path, message: `${where} is missing; it must be one of ${options}` }];
    return [{ path, message: `${where} must be one of ${options}; got ${describe(value)}` }];
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? '';
    const phrase = inner.startsWith(EXPECT_MARK) ? inner.slice(EXPECT_MARK.length) : 'a valid name';
    const parent = fieldLabel(path.slice(0, -1), context.itemNoun);
    return [{ path, message: `Invalid name ${describe(issue.input)} in \`${parent}\`; expected ${phrase}` }];
  }
  if (issue.message.startsWith(EXPECT_MARK)) {
    const phrase = issue.message.slice(EXPECT_MARK.length);
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [{ path, message: `Missing required field \`${label}\` (${phrase})` }];
    }
    if (path.length === 0) return [{ path, message: `Expected ${phrase}, got ${shown()}` }];
    return [{ path, message: `Expected \`${label}\` to be ${phrase}, got ${shown()}` }];
  }
  if (issue.code === 'custom') return [{ path, message: issue.message }];
  return [{ path, message: `\`${label}\` is invalid (${issue.message}), got ${shown()}` }];
}

/** "Unknown field `timeZone` in `schedule`; did you mean `timezone`?" (or the allowed list). */
export function unknownField(key: string, allowed: readonly string[], where: string): string {
  const near = closest(key, allowed);
  const hint = near ? `; did you mean \`${near}\`?` : allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : '';
  return `Unknown field \`${key}\` in ${where}${hint}`;
}

/** The allowed name nearest to `key` (same letters in another case, or at most 2 edits away). */
export function closest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = allowed.find((name) => name.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of allowed) {
    const distance = editDistance(lower, name.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit || a.length > 64 || b.length > 64) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? limit;
}

/** True for a plain JSON-like object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
