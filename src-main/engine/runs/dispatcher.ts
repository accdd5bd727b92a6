/**
 * The run queue: starts due queued runs by priority then age within the global concurrency
 * limit and each schedule's overlap policy, keeps the AbortController of every run it started,
 * records how each ended, and persists the retry when one is due. The queue itself lives in
 * SQLite (queued rows), so a restart loses nothing.
 *
 * Writes are batched where that changes nothing a user can see: runs admitted while there is
 * room start in the admitting transaction (`admitting`), and the ends of runs that finish in the
 * same turn of the event loop are recorded in one transaction, which also starts the queued
 * runs their room lets start. A commit costs tens of microseconds, so this is what lets a wake
 * start a thousand runs within milliseconds.
 */
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { RunCancelledError, toError } from '../errors.ts';
import type { EngineEvents } from '../events.ts';
import type { Logger } from '../logger.ts';
import { LeaseLostError } from '../store/lease.ts';
import type { RunsRepo } from '../store/runs-repo.ts';
import type { EngineSettings, Run, Schedule } from '../types.ts';
import { mayStart, type AdmitContext } from './admission.ts';
import { executeRun, SHUTDOWN, type ExecutorDeps } from './executor.ts';
import { isStoreUnavailable, PendingEnds, type Ending } from './pending-ends.ts';
import { crashEnd, recordRunEnd, type Recorded } from './run-end.ts';

export interface DispatcherDeps {
  db: Database;
  runs: RunsRepo;
  /** The current schedule for an id (the engine serves it from memory when it can). */
  scheduleById: (id: string) => Schedule | undefined;
  clock: Clock;
  logger: Logger;
  events: EngineEvents;
  host: string;
  settings: () => EngineSettings;
  executor: Omit<ExecutorDeps, 'outputCapBytes' | 'setPid'>;
  random: () => number;
  /** Told when a retry is queued, so the engine wakes at its due time. */
  onRetryQueued: (retry: Run) => void;
  /** Called first in each write transaction; throws when this engine may no longer write (the lease). */
  fence?: () => void;
}

interface ActiveRun {
  schedule: Schedule;
  /** Dropped when the run leaves #active (see #release). */
  controller: AbortController | undefined;
  done: Promise<void>;
}

/** A queued run marked started, to launch once its transaction has committed. */
interface Starting {
  schedule: Schedule;
  run: Run;
}

/** Starts, tracks and ends runs. */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #active = new Map<string, ActiveRun>();
  #accepting = false;
  #pending = false;
  #filter: ((run: Run) => boolean) | undefined;
  /**
   * Ends of runs, recorded together at the end of their turn or before anything else is admitted
   * (an ended run never counts as running for its schedule's next occurrence); see pending-ends.ts.
   */
  readonly #endings = new PendingEnds<Ending>(() => this.#deps.db.open && this.#flush(this.#deps.clock.now()));
  /** One IMMEDIATE transaction around `work`; built once (better-sqlite3 builds a wrapper per call). */
  readonly #transaction: <T>(work: () => T) => T;
  readonly #savepoint: <T>(work: () => T) => T;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    const transaction = deps.db.transaction((work: () => unknown) => work());
    const fenced = deps.db.transaction((work: () => unknown) => (deps.fence?.(), work()));
    this.#transaction = <T>(work: () => T) => fenced.immediate(work) as T;
    // Called inside #transaction, better-sqlite3 makes it a SAVEPOINT: one run's end that fails
    // to record is rolled back alone, not with the others of its batch.
    this.#savepoint = <T>(work: () => T) => transaction(work) as T;
  }

  /** Begins starting queued runs; `filter` limits which (the CLI's one-off trigger). */
  open(filter?: (run: Run) => boolean): void {
    this.#accepting = true;
    this.#filter = filter;
    this.request();
  }

  /** Stops starting new runs; running ones go on. */
  close(): void {
    this.#accepting = false;
  }

  get runningCount(): number {
    return this.#active.size;
  }

  runningIds(): string[] {
    return [...this.#active.keys()];
  }

  isRunning(runId: string): boolean {
    return this.#active.has(runId);
  }

  /** Asks for a dispatch pass soon; many requests in one turn coalesce into one pass. */
  request(): void {
    if (this.#pending || !this.#accepting) return;
    this.#pending = true;
    setImmediate(() => {
      this.#pending = false;
      this.dispatchNow();
    });
  }

  /**
   * One dispatch pass: records the ends of runs waiting to be recorded and starts every run due
   * at `now` that the limits allow, in one transaction.
   */
  dispatchNow(now = this.#deps.clock.now()): void {
    this.#flush(now);
  }

  /**
   * Runs `write` in one IMMEDIATE transaction with a `startNow` for admitRun: a run admitted in
   * it is written as running at once when this dispatcher would start it now anyway (it is
   * accepting, the concurrency limit has room, the schedule's overlap policy allows, and no due
   * queued run was waiting before it, so priority order holds). The runs started so are launched
   * once the transaction has committed; if it throws, none is.
   */
  admitting<T>(write: (startNow: NonNullable<AdmitContext['startNow']>) => T): T {
    this.#recordEndings();
    const { runs, clock, host } = this.#deps;
    const launch: Starting[] = [];
    const settings = this.#deps.settings();
    const result = this.#transaction(() => {
      let free = settings.concurrency - this.#active.size;
      const open = this.#accepting && free > 0 && !runs.anyDue(clock.now());
      const perSchedule = open ? this.#runningPerSchedule() : new Map<string, number>();
      return write((schedule, run) => {
        if (!open || free <= 0 || run.status !== 'queued' || run.dueAt > clock.now()) return run;
        if (this.#filter && !this.#filter(run)) return run;
        if (!mayStart(schedule, perSchedule.get(schedule.id) ?? 0)) return run;
        free -= 1;
        perSchedule.set(schedule.id, (perSchedule.get(schedule.id) ?? 0) + 1);
        const now = clock.now();
        const started: Run = { ...run, status: 'running', startedAt: now, heartbeatAt: now, host };
        launch.push({ schedule, run: started });
        return started;
      });
    });
    for (const { schedule, run } of launch) this.#start(schedule, run, settings.outputCapBytes);
    return result;
  }

  /**
   * Cancels a run: a queued one ends at once, a running one of ours is aborted (its process tree
   * ended). Returns false if the run is not ours to abort and not queued.
   */
  cancel(run: Run, by: string): boolean {
    const active = this.#active.get(run.id);
    if (active) {
      active.controller?.abort(new RunCancelledError(by));
      return true;
    }
    if (run.status !== 'queued') return false;
    const ended = this.#cancelQueued(run, by);
    if (ended) this.#deps.events.emit('run.finished', ended);
    return ended !== undefined;
  }

  /**
   * Aborts every running run as interrupted by shutdown and waits for them to be recorded; ends the
   * store still cannot take after `waitMs` (locked, full) are given up, so a stop never hangs.
   */
  async abortAll(waitMs = 5000): Promise<void> {
    for (const a of this.#active.values()) a.controller?.abort(new RunCancelledError(SHUTDOWN));
    if (await this.drain(waitMs)) return;
    this.#dropEnds(this.#endings.giveUp(), 'the engine stopped before the store would take them');
    await this.drain();
  }

  /** Resolves when no run is running, or after `timeoutMs`; true when drained. */
  async drain(timeoutMs?: number): Promise<boolean> {
    const all = Promise.all([...this.#active.values()].map((a) => a.done)).then(() => true);
    if (timeoutMs === undefined) return all;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const drained = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return drained && this.#active.size === 0;
  }

  /** Writes the heartbeat of every running run. */
  heartbeat(): void {
    this.#deps.runs.heartbeat(this.#active.keys(), this.#deps.clock.now());
  }

  /**
   * Marks runs left `running` by a crash as interrupted and applies their retry policy. Called
   * once at start, before anything is dispatched; `processNotes` says what became of each run's
   * process (see runners/orphans.ts).
   */
  recoverInterrupted(processNotes: ReadonlyMap<string, string> = new Map()): Run[] {
    const { runs, scheduleById, clock } = this.#deps;
    const recovered: Run[] = [];
    for (const run of runs.withStatus('running')) {
      const result = crashEnd(run, processNotes.get(run.id), clock.now());
      const schedule = scheduleById(run.scheduleId);
      if (schedule) this.#announce(this.#transaction(() => this.#record([{ schedule, run, result }])));
      recovered.push(run);
    }
    return recovered;
  }

  /** Ends a queued run as cancelled; the caller tells listeners once it is committed. */
  #cancelQueued(run: Run, by: string): Run | undefined {
    return this.#deps.runs.finish(run, {
      status: 'cancelled',
      finishedAt: this.#deps.clock.now(),
      error: `Cancelled by ${by} before it started`,
    });
  }

  #runningPerSchedule(): Map<string, number> {
    const perSchedule = new Map<string, number>();
    for (const a of this.#active.values()) perSchedule.set(a.schedule.id, (perSchedule.get(a.schedule.id) ?? 0) + 1);
    return perSchedule;
  }

  #start(schedule: Schedule, run: Run, outputCapBytes: number): void {
    const controller = new AbortController();
    const deps = this.#deps;
    // Listed, not spread with extra keys: each run's object would get a hidden class of its own,
    // which V8 keeps alive past the young generation.
    const { clock, logger, runners, runsDir, redactor, resolveQuery } = deps.executor;
    const executorDeps: ExecutorDeps = {
      clock,
      logger,
      runners,
      runsDir,
      redactor,
      resolveQuery,
      outputCapBytes,
      setPid: (runId, pid) => deps.runs.setPid(runId, pid),
    };
    const done = executeRun(executorDeps, schedule, run, controller)
      .then((result) => new Promise<void>((recorded) => this.#endings.add({ schedule, run, result, recorded })))
      .catch((error: unknown) => {
        deps.logger.error('Could not record the end of a run', { runId: run.id, error: toError(error).message });
        // Its slot is freed below without a flush: queued runs need a pass to take it.
        this.request();
      })
      .finally(() => this.#release(run.id));
    this.#active.set(run.id, { schedule, controller, done });
    deps.events.emit('run.started', run);
  }

  /** Records the waiting run ends now (before an admission), and asks for a pass for the room they free. */
  #recordEndings(): void {
    if (!this.#endings.ready) return;
    this.#flush(this.#deps.clock.now(), false);
    this.request();
  }

  /**
   * Records the waiting run ends and, when `dispatch` and this dispatcher is accepting, starts
   * the queued runs due at `now` that the freed room allows: one commit for both. The runs
   * started are launched (and hold their slots) before listeners hear of the ends, so one that
   * runs a schedule again at once finds the room as it now is.
   */
  #flush(now: number, dispatch = true): void {
    const batch = this.#endings.take();
    const settings = this.#deps.settings();
    if (batch.length === 0 && !(dispatch && this.#accepting && settings.concurrency > this.#active.size)) return;
    const released: Array<[string, ActiveRun]> = [];
    let recorded: Recorded[] = [];
    let starting: Starting[] = [];
    try {
      [recorded, starting] = this.#transaction(() => {
        const ends = this.#record(batch, released);
        return [ends, dispatch && this.#accepting ? this.#duePass(now, settings.concurrency - this.#active.size, ends) : []] as const;
      });
    } catch (error) {
      if (batch.length === 0) return this.#deps.logger.error('Could not start queued runs', { error: toError(error).message });
      if (error instanceof LeaseLostError) return this.#dropEnds(batch, error.message); // The new owner recorded them.
      // Not recorded: the runs keep their slots (the store still says they run) and wait.
      for (const [runId, active] of released) this.#active.set(runId, active);
      const retryInMs = this.#endings.putBack(batch);
      if (retryInMs === undefined) return this.#dropEnds(batch, toError(error).message);
      const runIds = batch.map((e) => e.run.id).join(', ');
      return this.#deps.logger.error('Could not record the end of runs; trying again', { runIds, error: toError(error).message, retryInMs });
    }
    if (batch.length > 0) this.#endings.recorded();
    for (const { schedule, run } of starting) this.#start(schedule, run, settings.outputCapBytes);
    this.#announce(recorded);
    for (const ending of batch) ending.recorded();
  }

  /** Gives up recording `batch`: its rows stay `running`, and the next start records them as interrupted. */
  #dropEnds(batch: readonly Ending[], why: string): void {
    if (batch.length) this.#deps.logger.error('Run ends not recorded', { runIds: batch.map((e) => e.run.id).join(', '), why });
    for (const ending of batch) ending.recorded();
  }

  /**
   * The dispatch pass inside a flush, in a savepoint of its own: a pass that fails (a queued run
   * that cannot be read) is logged and undone alone, never the run ends recorded with it. Queued
   * runs it cancels are added to `ended`, to be announced after the commit.
   */
  #duePass(now: number, free: number, ended: Recorded[]): Starting[] {
    try {
      const cancelled: Recorded[] = [];
      const starting = this.#savepoint(() => this.#due(now, free, cancelled));
      ended.push(...cancelled);
      return starting;
    } catch (error) {
      this.#deps.logger.error('Could not start queued runs', { error: toError(error).message });
      return [];
    }
  }

  /**
   * Marks the queued runs due at `now` started, up to `free` of them, and ends those whose cancel
   * was asked for (added to `cancelled`); inside a transaction.
   */
  #due(now: number, free: number, cancelled: Recorded[]): Starting[] {
    const starting: Starting[] = [];
    if (free <= 0) return starting;
    const { runs, clock, host } = this.#deps;
    const perSchedule = this.#runningPerSchedule();
    const schedules = new Map<string, Schedule | undefined>();
    for (const run of runs.due(now)) {
      if (free <= 0) break;
      if (this.#filter && !this.#filter(run)) continue;
      if (run.cancelRequested) {
        cancelled.push({ ended: this.#cancelQueued(run, run.triggeredBy ?? 'request'), retry: undefined });
        continue;
      }
      if (!schedules.has(run.scheduleId)) schedules.set(run.scheduleId, this.#deps.scheduleById(run.scheduleId));
      const schedule = schedules.get(run.scheduleId);
      if (!schedule || !mayStart(schedule, perSchedule.get(schedule.id) ?? 0)) continue;
      const startedAt = clock.now();
      if (!runs.markStarted(run.id, startedAt, host)) continue;
      free -= 1;
      perSchedule.set(schedule.id, (perSchedule.get(schedule.id) ?? 0) + 1);
      starting.push({ schedule, run: { ...run, status: 'running', startedAt, heartbeatAt: startedAt, host } });
    }
    return starting;
  }

  /**
   * Stores the ends of runs and each one's retry if one is due; called inside a transaction.
   * Each end is a savepoint of its own: one that cannot be recorded (its schedule was deleted
   * while it ran, say) is logged and leaves the others recorded. Their slots are freed here,
   * before anyone hears of the ends: a listener that runs the schedule again at once (a chained
   * job, the tray's "run again") finds room and starts it directly (put back, from `released`, on a rollback).
   */
  #record(endings: ReadonlyArray<Omit<Ending, 'recorded'>>, released: Array<[string, ActiveRun]> = []): Recorded[] {
    const recorded: Recorded[] = [];
    for (const { schedule, run, result } of endings) {
      try {
        recorded.push(this.#savepoint(() => recordRunEnd(this.#deps, schedule, run, result)));
      } catch (error) {
        // The store could not write (locked, full): the whole batch waits and is tried again.
        if (isStoreUnavailable(error)) throw error;
        this.#deps.logger.error('Could not record the end of a run', { runId: run.id, schedule: schedule.name, error: toError(error).message });
      }
      const active = this.#release(run.id);
      if (active) released.push([run.id, active]);
    }
    return recorded;
  }

  /**
   * Takes a run out of #active and drops its controller. V8 keeps a Map's discarded backing
   * tables, which still point at the records they held, until a full GC: a record keeping its
   * controller (and so the run's signal and listeners) would keep them alive that long too.
   */
  #release(runId: string): ActiveRun | undefined {
    const active = this.#active.get(runId);
    if (!active) return undefined;
    this.#active.delete(runId);
    active.controller = undefined;
    return active;
  }

  /** Tells listeners of recorded ends and queued retries, once they are committed. */
  #announce(recorded: readonly Recorded[]): void {
    const { events } = this.#deps;
    for (const { ended, retry } of recorded) {
      if (ended) events.emit('run.finished', ended);
      if (retry) {
        events.emit('run.queued', retry);
        this.#deps.onRetryQueued(retry);
      }
    }
  }
}
