/**
 * Sending with a time limit and a few attempts. Network waits use real timers, like the sockets
 * they guard, so a test on a fake engine clock still sends; none is longer than a minute.
 */
import { toError } from '../errors.ts';

/** How hard to try one notification. */
export interface DeliveryOptions {
  attempts: number;
  /** The limit for one attempt, connection to last byte. */
  timeoutMs: number;
  /** The wait before the 2nd, 3rd… attempt; the last value repeats. */
  backoffMs: readonly number[];
}

/** Three attempts of at most 15 s each, 1 s and then 2 s apart. */
export const DEFAULT_DELIVERY: DeliveryOptions = { attempts: 3, timeoutMs: 15_000, backoffMs: [1_000, 2_000] };

/** A failure another attempt cannot fix (wrong password, a recipient refused, a 4xx). */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** The limit of one attempt passed. */
export class DeliveryTimeoutError extends Error {
  override name = 'DeliveryTimeoutError';
}

const STOPPED = 'Batchlight stopped before the message was sent';

/** How sending went. `error` is the last attempt's reason. */
export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  error: string | null;
}

/** One attempt: gets a signal that aborts at the attempt's time limit or on shutdown. */
export type SendAttempt = (signal: AbortSignal) => Promise<void>;

/**
 * Runs `send` until it succeeds, fails permanently, or uses up the attempts. Never throws; when
 * `stop` aborts it gives up after the current attempt ends. `label` names the server in a
 * time-out message ("SMTP mail.corp:587").
 */
export async function deliver(send: SendAttempt, options: DeliveryOptions, stop: AbortSignal, label: string): Promise<DeliveryResult> {
  let error = 'not attempted';
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    if (stop.aborted) return { ok: false, attempts: attempt - 1, error: STOPPED };
    if (attempt > 1) {
      const wait = options.backoffMs[Math.min(attempt - 2, options.backoffMs.length - 1)] ?? 0;
      if (!(await pause(wait, stop))) return { ok: false, attempts: attempt - 1, error: `${error}; then ${STOPPED.toLowerCase()}` };
    }
    try {
      await withTimeout(send, options.timeoutMs, stop, label);
      return { ok: true, attempts: attempt, error: null };
    } catch (caught) {
      const failure = toError(caught);
      error = failure.message;
      if (failure instanceof PermanentDeliveryError || stop.aborted) return { ok: false, attempts: attempt, error };
    }
  }
  return { ok: false, attempts: options.attempts, error };
}

async function withTimeout(send: SendAttempt, timeoutMs: number, stop: AbortSignal, label: string): Promise<void> {
  const controller = new AbortController();
  const onStop = () => controller.abort(new Error(STOPPED));
  stop.addEventListener('abort', onStop, { once: true });
  const timer = setTimeout(() => controller.abort(new DeliveryTimeoutError(`${label}: timed out after ${formatSeconds(timeoutMs)}`)), timeoutMs);
  try {
    await Promise.race([
      send(controller.signal),
      new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

/** Waits `ms`; false if `stop` aborted first. */
function pause(ms: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', onStop);
      resolve(true);
    }, ms);
    const onStop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    stop.addEventListener('abort', onStop, { once: true });
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
