/**
 * Named errors. The class decides what happens next: a `NonRetryableError` fails the run with
 * no retry, a `RunTimeoutError` ends it as `timed_out`, a `RunCancelledError` as `cancelled`.
 */

/** A run failure that no retry can fix (bad configuration, a 4xx, an unknown placeholder). */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/** The run's time limit passed; the runner was aborted. */
export class RunTimeoutError extends Error {
  override name = 'RunTimeoutError';
  constructor(readonly seconds: number) {
    super(`Run timed out after ${seconds} s`);
  }
}

/** The run was cancelled by a person or by shutdown. */
export class RunCancelledError extends Error {
  override name = 'RunCancelledError';
  constructor(readonly by: string) {
    super(`Run cancelled by ${by}`);
  }
}

/** One problem in an input, with the path of the field it concerns. */
export interface Problem {
  path: string;
  message: string;
}

/** An input (file, CLI argument, API call) is invalid; nothing was changed. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n'));
  }
}

/** A lookup by name or id found nothing. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Turns any caught value into an Error, keeping the original as `cause`. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  const message = typeof value === 'string' ? value : safeString(value);
  return new Error(message, { cause: value });
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Describes a bad value for an error message: "`-1` (number)". */
export function describeValue(value: unknown): string {
  return `\`${safeString(value)}\` (${value === null ? 'null' : typeof value})`;
}
