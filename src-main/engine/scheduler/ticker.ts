/**
 * The engine's single timer. It never trusts one: no wait is armed for more than MAX_TIMER_MS,
 * and each wake re-reads the wall clock, so a sleeping machine, a clock change or a far target
 * (beyond setTimeout's 2^31 ms limit) never makes the engine wake early or not at all.
 */
import { MAX_TIMER_MS, type Clock, type TimerHandle } from '../clock.ts';
import { describeValue, toError } from '../errors.ts';

/** After a wake at its target throws, the next try comes this much later, ms. */
export const RETRY_AFTER_FAILURE_MS = 1000;

/** Wakes the engine when the wall clock reaches a target, and at least once a minute anyway. */
export interface Ticker {
  /**
   * Sets the wall-clock instant (epoch ms) to wake at, replacing the previous one; null means
   * no target (only the regular wake). Called from inside `onWake`, it takes effect when
   * `onWake` returns.
   */
  wakeAt(epochMs: number | null): void;
  /** Ends the ticker for good: its timer is cleared and `onWake` is not called again. */
  stop(): void;
}

/**
 * Creates the ticker. `onWake(now)` is called, never re-entrantly, when the wall clock has
 * reached the target (the target is then cleared; the engine sets the next one), and at least
 * every MAX_TIMER_MS of running (monotonic) time even without a target, so the engine notices
 * clock jumps. An early wake (the wall clock is behind the target, e.g. it was set back) re-arms
 * without calling `onWake`. If `onWake` throws, the ticker re-arms first (a wake at its target
 * that set no new one is tried again RETRY_AFTER_FAILURE_MS later) and then hands the error to
 * `onError`; without `onError` it rethrows from the timer callback, never silently.
 */
export function createTicker(clock: Clock, onWake: (now: number) => void, onError?: (error: Error) => void): Ticker {
  let target: number | null = null;
  let handle: TimerHandle | undefined;
  let waking = false;
  let stopped = false;
  let lastWake = clock.monotonic();

  const arm = () => {
    if (stopped || waking) return;
    if (handle !== undefined) clock.clearTimeout(handle);
    const untilTarget = target === null ? MAX_TIMER_MS : target - clock.now();
    const untilRegularWake = MAX_TIMER_MS - (clock.monotonic() - lastWake);
    handle = clock.setTimeout(fire, Math.max(0, Math.min(untilTarget, untilRegularWake, MAX_TIMER_MS)));
  };

  const fire = () => {
    handle = undefined;
    if (stopped) return;
    const now = clock.now();
    const due = target !== null && now >= target;
    if (!due && clock.monotonic() - lastWake < MAX_TIMER_MS) {
      arm();
      return;
    }
    if (due) target = null;
    lastWake = clock.monotonic();
    waking = true;
    let failure: Error | undefined;
    try {
      onWake(now);
    } catch (error) {
      failure = toError(error);
    } finally {
      waking = false;
    }
    // A wake that failed (the store was locked past its busy timeout) has planned nothing: try
    // again soon, not at the next regular wake a minute later, when its occurrences would be late.
    if (failure !== undefined && due && target === null) target = clock.now() + RETRY_AFTER_FAILURE_MS;
    arm();
    if (failure === undefined) return;
    if (!onError) throw failure;
    onError(failure);
  };

  arm();
  return {
    wakeAt(epochMs) {
      if (epochMs !== null && !Number.isFinite(epochMs)) {
        throw new RangeError(`Expected \`epochMs\` to be a finite number or null, got ${describeValue(epochMs)}`);
      }
      target = epochMs;
      arm();
    },
    stop() {
      stopped = true;
      if (handle !== undefined) clock.clearTimeout(handle);
      handle = undefined;
    },
  };
}
