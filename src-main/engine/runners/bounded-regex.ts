/**
 * Runs a schedule's regular expression (`expect.bodyMatches` / `bodyNotMatches`) against a body
 * from the network under a time limit. A pattern that backtracks catastrophically (`^(a+)+$`
 * against "aaaa…!") would otherwise hold the engine's only JavaScript thread, and with it every
 * schedule and every run's time limit, for as long as the match takes. node:vm's timeout
 * interrupts a running match; it costs about 0.1 ms a call (a watchdog thread), paid only by
 * jobs with those checks.
 */
import vm from 'node:vm';

/** How long one match may take. A sane pattern over a 10 MB body takes milliseconds. */
export const REGEX_LIMIT_MS = 1000;

/** Returned instead of a match when the limit was reached. */
export const TIMED_OUT = Symbol('regex timed out');

const MATCH = new vm.Script('pattern.exec(text)');
const context = vm.createContext({ pattern: null, text: '' });

/** `pattern.exec(text)`, or TIMED_OUT when it ran past `limitMs`. */
export function execWithin(pattern: RegExp, text: string, limitMs = REGEX_LIMIT_MS): RegExpExecArray | null | typeof TIMED_OUT {
  Object.assign(context, { pattern, text });
  try {
    return MATCH.runInContext(context, { timeout: limitMs }) as RegExpExecArray | null;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return TIMED_OUT;
    throw error;
  } finally {
    Object.assign(context, { pattern: null, text: '' });
  }
}
