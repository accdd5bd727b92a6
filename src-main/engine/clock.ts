/**
 * Time as the engine sees it. Wall time (epoch ms, can jump: sleep, NTP, a person changing the
 * clock) and monotonic time (never jumps) are separate so tests can make them diverge.
 */
export interface Clock {
  /** Wall-clock time, epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds from an arbitrary origin. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  unref?(): unknown;
}

/** The longest any engine timer is armed for; each wake re-reads the wall clock. */
export const MAX_TIMER_MS = 60_000;

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Resolves after `ms` of monotonic time, waking at least every MAX_TIMER_MS, or rejects with the
 * signal's reason when it aborts.
 */
export function sleepMonotonic(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  const until = clock.monotonic() + ms;
  return new Promise((resolve, reject) => {
    let handle: TimerHandle | undefined;
    const onAbort = () => {
      if (handle) clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const wake = () => {
      const left = until - clock.monotonic();
      if (left <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      handle = clock.setTimeout(wake, Math.min(left, MAX_TIMER_MS));
    };
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    wake();
  });
}
