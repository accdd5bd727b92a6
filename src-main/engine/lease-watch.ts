/**
 * What an engine does when it finds that another engine took its data folder (it was frozen
 * past the lease's stale threshold: SIGSTOP, a paused VM, a stalled disk). The new owner has
 * already recorded this engine's running runs as interrupted and applies their retry policies,
 * so this engine starts nothing more, aborts its runs without recording their ends (the lease's
 * fence refuses the write: one row per occurrence, written by the owner), and tells its host
 * through whenStopped(), so that `serve` exits non-zero and a service manager restarts it.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Clock } from './clock.ts';
import { toError } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Dispatcher } from './runs/dispatcher.ts';
import { HeldLease, type LeaseLostError } from './store/lease.ts';
import type { RunsRepo } from './store/runs-repo.ts';

/** Who cancelled a run aborted because the lease was lost (its signal's reason says so). */
export const LEASE_LOST_BY = 'the loss of the data folder lease to another engine';

/** How long the aborted runs get to end (a process tree's kill grace, then its pipes'), ms. */
export const ABANDON_WAIT_MS = 10_000;

export interface LeaseWatchDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  runs: RunsRepo;
  dispatcher: Dispatcher;
  /** Starts nothing more: stops the engine's timers and closes the dispatcher. */
  quiesce: () => void;
  /** Once the runs have ended: closes what serving keeps open and marks the engine stopped. */
  close: () => Promise<void>;
}

/** The engine's lease, and its stop when the lease is lost. */
export class LeaseWatch {
  readonly lease: HeldLease;
  readonly #deps: LeaseWatchDeps;
  readonly #stopped: Promise<void>;
  #settle!: (error?: Error) => void;
  #halting: Promise<void> | undefined;
  #stopping = false;

  constructor(deps: LeaseWatchDeps) {
    this.#deps = deps;
    this.lease = new HeldLease(deps.db, randomUUID(), deps.clock, { onLost: (error) => this.#lost(error) });
    this.#stopped = new Promise<void>((resolve, reject) => (this.#settle = (error) => (error ? reject(error) : resolve())));
    // Hosts that do not ask are not told through an unhandled rejection; the log says it.
    this.#stopped.catch(() => {});
  }

  /** The stop after the lease was lost, once begun: the engine's stop() waits for it. */
  get halting(): Promise<void> | undefined {
    return this.#halting;
  }

  /** Resolves once the engine has stopped; rejects with the LeaseLostError when it stopped for that. */
  whenStopped(): Promise<void> {
    return this.#stopped;
  }

  /** Says stop() has begun: a loss found now is only logged (the fence still refuses writes). */
  stopping(): void {
    this.#stopping = true;
  }

  /** Says the engine stopped as asked. */
  stopped(): void {
    this.#settle();
  }

  #lost(error: LeaseLostError): void {
    if (this.#halting) return;
    const { logger, quiesce, close, dispatcher, runs } = this.#deps;
    logger.error(error.message);
    if (this.#stopping) return;
    quiesce();
    this.#halting = abandonRuns(dispatcher, runs)
      .then(async (ended) => {
        if (!ended) logger.warn(`Runs aborted after the lease was lost had not ended after ${ABANDON_WAIT_MS / 1000} s; stopping anyway`);
        await close();
      })
      .catch((failure: unknown) => logger.error('Stopping after the lease was lost failed', { error: toError(failure).message }))
      .finally(() => this.#settle(error));
  }
}

/**
 * Aborts every run this dispatcher is running (each signal's reason is a RunCancelledError by
 * LEASE_LOST_BY) and waits up to `waitMs` for them to end; true when they all did.
 */
export function abandonRuns(dispatcher: Dispatcher, runs: RunsRepo, waitMs = ABANDON_WAIT_MS): Promise<boolean> {
  for (const id of dispatcher.runningIds()) {
    const run = runs.get(id);
    if (run) dispatcher.cancel(run, LEASE_LOST_BY);
  }
  return dispatcher.drain(waitMs);
}
