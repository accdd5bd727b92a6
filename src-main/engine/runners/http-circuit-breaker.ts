/**
 * A circuit breaker per host (`host:port`), shared by every run of one HTTP runner: after
 * `failureThreshold` consecutive transient failures (network errors, timeouts, 408, 429, 5xx)
 * calls to that host fail fast for `openMs`, so a down API is not hammered by every schedule and
 * every retry. Then one trial call goes through (half-open): an answer closes the circuit, a
 * transient failure opens it for another `openMs`. State lives in memory: a restart closes
 * every circuit, which costs at most `failureThreshold` more failed calls per host.
 */
import type { Clock } from '../clock.ts';

/** How sensitive the breaker is; injectable so settings (and tests) can change it. */
export interface BreakerOptions {
  failureThreshold: number;
  openMs: number;
}

/** Five consecutive failures open a circuit for five minutes. */
export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, openMs: 5 * 60_000 };

/** Closed: calls go out. Open: they fail fast. Half-open: one trial call may go out. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** One host's circuit, as the tray and UI show it. */
export interface CircuitStatus {
  host: string;
  state: CircuitState;
  /** When the circuit last opened (epoch ms), or null. */
  openedAt: number | null;
  /** When calls may go through again (epoch ms), or null when they can now. */
  resumesAt: number | null;
  /** Consecutive transient failures. */
  failures: number;
}

/** Whether a call may go out now; a refusal carries the run's error and a retry delay. */
export type Admission = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

interface Circuit {
  failures: number;
  openedAt: number | null;
  /** A half-open circuit lets one trial call through at a time. */
  trialInFlight: boolean;
}

/** The breaker; one per runner instance. */
export class CircuitBreaker {
  readonly #circuits = new Map<string, Circuit>();
  readonly #clock: Pick<Clock, 'now'>;
  readonly #options: () => BreakerOptions;

  constructor(clock: Pick<Clock, 'now'>, options: () => BreakerOptions) {
    this.#clock = clock;
    this.#options = options;
  }

  /** Asks to call `host`. An admitted call must end with success(), failure() or release(). */
  admit(host: string): Admission {
    const circuit = this.#circuits.get(host);
    if (!circuit || circuit.openedAt === null) return { ok: true };
    const { openMs } = this.#options();
    const now = this.#clock.now();
    const resumesAt = circuit.openedAt + openMs;
    if (now < resumesAt) {
      return {
        ok: false,
        error: `Circuit open for ${host} after ${circuit.failures} consecutive failures; calls resume at ${timeOfDay(resumesAt, now)}`,
        retryAfterMs: resumesAt - now,
      };
    }
    if (circuit.trialInFlight) {
      return { ok: false, error: `Circuit half-open for ${host}: a trial call is in progress; other calls wait for its outcome` };
    }
    circuit.trialInFlight = true;
    return { ok: true };
  }

  /** The host answered (any status that is not transient): its circuit closes. */
  success(host: string): void {
    this.#circuits.delete(host);
  }

  /** A transient failure: counts toward opening, or reopens a half-open circuit. */
  failure(host: string): void {
    const circuit = this.#circuits.get(host) ?? { failures: 0, openedAt: null, trialInFlight: false };
    circuit.failures += 1;
    if (circuit.trialInFlight || circuit.failures >= this.#options().failureThreshold) circuit.openedAt = this.#clock.now();
    circuit.trialInFlight = false;
    this.#circuits.set(host, circuit);
  }

  /** The call ended without telling anything about the host (cancelled, a local error). */
  release(host: string): void {
    const circuit = this.#circuits.get(host);
    if (circuit) circuit.trialInFlight = false;
  }

  /** Hosts with failures since their last answer; a host that answered is closed and not listed. */
  states(): CircuitStatus[] {
    const { openMs } = this.#options();
    const now = this.#clock.now();
    return [...this.#circuits].map(([host, circuit]) => {
      const resumesAt = circuit.openedAt === null ? null : circuit.openedAt + openMs;
      const state: CircuitState = resumesAt === null ? 'closed' : now < resumesAt ? 'open' : 'half_open';
      return {
        host,
        state,
        openedAt: circuit.openedAt,
        resumesAt: resumesAt !== null && now < resumesAt ? resumesAt : null,
        failures: circuit.failures,
      };
    });
  }
}

/** "14:05:00Z" when it is the same UTC day as `now`, else with the date in front. */
function timeOfDay(epochMs: number, now: number): string {
  const iso = new Date(epochMs).toISOString();
  const today = new Date(now).toISOString().slice(0, 10);
  return iso.startsWith(today) ? `${iso.slice(11, 19)}Z` : `${iso.slice(0, 19)}Z`;
}
