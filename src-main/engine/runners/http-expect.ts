/**
 * When an HTTP answer counts as success: its status is one of `successStatus` (codes such as
 * "204" or classes such as "2xx"; any 2xx by default), and its body passes `expect`. Every
 * failure message says what was expected and what came, so an operator reading the run row
 * does not have to open the output.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HttpJob } from '../types.ts';
import { REGEX_LIMIT_MS, regexBudget, TIMED_OUT, type RegexBudget } from './bounded-regex.ts';
import { parseJsonPath, readJsonPath } from './http-json-path.ts';

type Expect = NonNullable<HttpJob['expect']>;

const DEFAULT_SUCCESS = ['2xx'];
const SNIPPET_CHARS = 200;

/** True when `status` matches one of `rules` ("200", "2xx"); no rules means any 2xx. */
export function statusAccepted(status: number, rules: readonly string[] | undefined): boolean {
  const list = rules?.length ? rules : DEFAULT_SUCCESS;
  const code = String(status);
  return list.some((rule) => {
    const lower = rule.toLowerCase();
    return lower.endsWith('xx') ? code.length === 3 && code[0] === lower[0] : code === lower;
  });
}

/** The success rules in words: "2xx", "200 or 204". */
export function describeStatusRules(rules: readonly string[] | undefined): string {
  const list = rules?.length ? rules.map((r) => r.toLowerCase()) : DEFAULT_SUCCESS;
  return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

/** True when checking `expect` needs the response body. */
export function expectNeedsBody(expect: Expect | undefined): boolean {
  return expect !== undefined && (expect.jsonPath !== undefined || expect.bodyMatches !== undefined || expect.bodyNotMatches !== undefined);
}

/** The body as the expect check sees it. */
export interface ExpectBody {
  text: string;
  /** Bytes received, including any past maxResponseBytes. */
  receivedBytes: number;
  keptBytes: number;
  truncated: boolean;
}

/**
 * Checks the body against `expect`; returns why it fails, or undefined when it passes. Throws
 * NonRetryableError for a JSONPath outside the supported subset. Called once per run, whose
 * pattern checks share one time limit: `budget`, or a fresh one of REGEX_LIMIT_MS.
 */
export function checkExpect(expect: Expect | undefined, body: ExpectBody, budget?: RegexBudget): string | undefined {
  if (!expect || !expectNeedsBody(expect)) return undefined;
  if (body.truncated) {
    return (
      `Cannot check expect: the response was cut at maxResponseBytes (${body.keptBytes} of ${body.receivedBytes} bytes kept); ` +
      'raise maxResponseBytes'
    );
  }
  if (expect.jsonPath !== undefined) {
    const failure = checkJsonPath(expect, expect.jsonPath, body.text);
    if (failure) return failure;
  }
  if (expect.bodyMatches === undefined && expect.bodyNotMatches === undefined) return undefined;
  return checkPatterns(expect, body, budget ?? regexBudget());
}

/** bodyMatches, then bodyNotMatches with what the first left of the run's time for them. */
function checkPatterns(expect: Expect, body: ExpectBody, budget: RegexBudget): string | undefined {
  if (expect.bodyMatches !== undefined) {
    const match = budget.exec(new RegExp(expect.bodyMatches), body.text);
    if (match === TIMED_OUT) return tooSlow('bodyMatches', expect.bodyMatches, body.keptBytes);
    if (!match) return `Expected the body to match /${expect.bodyMatches}/, but it does not; it starts: ${snippet(body.text)}`;
  }
  if (expect.bodyNotMatches !== undefined) {
    const before = budget.spentMs;
    const match = budget.exec(new RegExp(expect.bodyNotMatches), body.text);
    if (match === TIMED_OUT) {
      const earlier = expect.bodyMatches === undefined ? '' : ` (bodyMatches took ${Math.round(before)} ms of it)`;
      return tooSlow('bodyNotMatches', expect.bodyNotMatches, body.keptBytes, earlier);
    }
    if (match) {
      const from = Math.max(0, match.index - 40);
      return `Expected the body not to match /${expect.bodyNotMatches}/, but it does: ${snippet(body.text.slice(from))}`;
    }
  }
  return undefined;
}

function tooSlow(field: string, source: string, bytes: number, earlier = ''): string {
  return (
    `Stopped checking ${field} /${source}/ on a ${bytes}-byte body: the ${REGEX_LIMIT_MS / 1000} s limit for all body checks ` +
    `of a run ran out${earlier}; the pattern backtracks too much (nested repeats such as (a+)+); simplify it`
  );
}

function checkJsonPath(expect: Expect, path: string, text: string): string | undefined {
  const steps = parseJsonPath(path);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `Expected a JSON body to read ${path}, but it is not JSON (${reason}); it starts: ${snippet(text)}`;
  }
  const at = readJsonPath(document, steps);
  if (expect.equals !== undefined) {
    if (!at.found) return `Expected ${path} to equal ${show(expect.equals)}, but the response has no ${path}`;
    if (!isDeepStrictEqual(at.value, expect.equals)) return `Expected ${path} to equal ${show(expect.equals)}, got ${show(at.value)}`;
  }
  if (expect.notEquals !== undefined && at.found && isDeepStrictEqual(at.value, expect.notEquals)) {
    return `Expected ${path} not to equal ${show(expect.notEquals)}, but it does`;
  }
  // A bare jsonPath (no equals / notEquals / exists) asks for the value to be there.
  const mustExist = expect.exists ?? (expect.equals === undefined && expect.notEquals === undefined);
  if (mustExist && !at.found) return `Expected ${path} to exist in the response, but it does not; it starts: ${snippet(text)}`;
  if (expect.exists === false && at.found) return `Expected ${path} not to exist, got ${show(at.value)}`;
  return undefined;
}

/** A JSON value for a message, with its type visible ("5" versus 5), cut to a readable length. */
function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty body)';
  return `\`${flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat}\``;
}
