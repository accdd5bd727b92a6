/**
 * The JSONPath subset an HTTP job's `expect.jsonPath` may use: a path to one value, no queries.
 * `$` is the document; each step is `.name`, `['name']` / `["name"]` (any characters, `\'`,
 * `\"` and `\\` escaped), or `[index]` (a negative index counts from the end: `[-1]` is the
 * last element). Wildcards, filters, slices and `..` are not supported and fail the run with a
 * message saying so, rather than silently matching nothing.
 */
import { NonRetryableError } from '../errors.ts';

/** A member name or an array index (negative: from the end). */
export type JsonPathStep = string | number;

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;
const INDEX = /^\[\s*(-?\d+)\s*\]/;
const QUOTED = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/;

/** Parses `path` into steps; throws NonRetryableError naming the first step it cannot read. */
export function parseJsonPath(path: string): JsonPathStep[] {
  if (!path.startsWith('$')) throw unsupported(path, path);
  const steps: JsonPathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    let match: RegExpExecArray | null;
    if (rest.startsWith('.') && (match = NAME.exec(rest.slice(1)))) {
      steps.push(match[0]);
      rest = rest.slice(1 + match[0].length);
    } else if ((match = INDEX.exec(rest))) {
      steps.push(Number(match[1]));
      rest = rest.slice(match[0].length);
    } else if ((match = QUOTED.exec(rest))) {
      steps.push((match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1'));
      rest = rest.slice(match[0].length);
    } else {
      throw unsupported(path, rest);
    }
  }
  return steps;
}

/** The value at `steps` in `document`, or `found: false` when a step leads nowhere. */
export function readJsonPath(document: unknown, steps: readonly JsonPathStep[]): { found: true; value: unknown } | { found: false } {
  let current: unknown = document;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const index = step < 0 ? current.length + step : step;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step)) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: current };
}

function unsupported(path: string, at: string): NonRetryableError {
  return new NonRetryableError(
    `Unsupported expect.jsonPath \`${path}\` at \`${at}\`: only $.name, $['name'] and $[index] steps are supported`,
  );
}
