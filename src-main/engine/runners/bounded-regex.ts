/**
 * Runs a schedule's regular expressions (`expect.bodyMatches` / `bodyNotMatches`) against a body
 * from the network under one time limit per run. A pattern that backtracks catastrophically
 * (`^(a+)+$` against "aaaa…!") would otherwise hold the engine's only JavaScript thread, and with
 * it every schedule and every run's time limit, for as long as the match takes. node:vm's timeout
 * interrupts a running match; it costs about 0.1 ms a call (a watchdog thread), paid only by
 * jobs with those checks.
 */
import vm from 'node:vm';

/**
 * How long all body checks of one run may take together. A sane pattern over a 10 MB body takes
 * milliseconds.
 */
export const REGEX_LIMIT_MS = 1000;

/** Returned instead of a match when the limit was reached. */
export const TIMED_OUT = Symbol('regex timed out');

/**
 * The time a run's body checks have left. One per run, so that two checks hold the engine's
 * thread for REGEX_LIMIT_MS together, not each: the second gets what the first left.
 */
export interface RegexBudget {
  /** `pattern.exec(text)`, or TIMED_OUT when what was left ran out (or nothing was left). */
  exec(pattern: RegExp, text: string): RegExpExecArray | null | typeof TIMED_OUT;
  /** Milliseconds the matches have taken so far. */
  readonly spentMs: number;
}

const MATCH = new vm.Script('pattern.exec(text)');
const context = vm.createContext({ pattern: null, text: '' });

/** A fresh budget of `limitMs`, measured on `now`, a monotonic clock in milliseconds. */
export function regexBudget(limitMs = REGEX_LIMIT_MS, now: () => number = () => performance.now()): RegexBudget {
  let spentMs = 0;
  return {
    get spentMs() {
      return spentMs;
    },
    exec(pattern, text) {
      // node:vm takes a whole number of milliseconds, at least 1.
      const leftMs = Math.floor(limitMs - spentMs);
      if (leftMs < 1) return TIMED_OUT;
      const start = now();
      try {
        return execWithin(pattern, text, leftMs);
      } finally {
        spentMs += now() - start;
      }
    },
  };
}

function execWithin(pattern: RegExp, text: string, limitMs: number): RegExpExecArray | null | typeof TIMED_OUT {
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
