/**
 * The engine facade: one per data folder. It wires the store, the occurrence loop, the run
 * dispatcher and the runners, owns every timer (none armed longer than 60 s), and notices changes
 * made by another process (the CLI) through SQLite's data_version within a second.
 */
import { hostname } from 'node:os';
import { systemClock, type TimerHandle } from './clock.ts';
import type { ScheduleFile } from './config/validate.ts';
import { NotFoundError, toError } from './errors.ts';
import { EngineEvents, type EngineState, type ScheduleChange } from './events.ts';
import { silentLogger } from './logger.ts';
import { LeaseWatch } from './lease-watch.ts';
import { createNotifier, type Notifier } from './notify/notifier.ts';
import { checkParameterOverrides } from './params/values.ts';
import { createBuiltInRunners } from './runners/built-in.ts';
import { endOrphanedRuns } from './runners/orphans.ts';
import type { Runner } from './runners/runner.ts';
import { ActiveTally, admitRun } from './runs/admission.ts';
import { Dispatcher } from './runs/dispatcher.ts';
import { exportScheduleFile, importScheduleFile, saveSchedule, type ImportSummary } from './schedule-service.ts';
import { nextRunOf } from './scheduler/cron.ts';
import { createTicker, type Ticker } from './scheduler/ticker.ts';
import { OccurrenceLoop } from './scheduler/occurrence-loop.ts';
import { dataVersion } from './store/db.ts';
import { LEASE_REFRESH_MS } from './store/lease.ts';
import { startCheckpointer, type Checkpointer } from './store/checkpointer.ts';
import { readRunOutput } from './store/output-files.ts';
import { pruneHistory } from './store/retention.ts';
import type { RunFilter } from './store/runs-repo.ts';
import { openStore, type Store } from './store/store.ts';
import type { JobType, Run, Schedule, ScheduleSpec } from './types.ts';
import type { EngineOptions, ScheduleStatus, StartOptions, TriggerOptions } from './engine-options.ts';

export type { EngineOptions, ScheduleStatus, StartOptions, TriggerOptions } from './engine-options.ts';

const RETENTION_EVERY_MS = 24 * 60 * 60 * 1000;

/** Creates an engine on a data folder. Nothing runs until `start()`. */
export function createEngine(options: EngineOptions = {}) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? hostname();
  const store: Store = openStore(options.dataDir, options.secretOptions);
  const events = new EngineEvents(logger);
  const builtIn = createBuiltInRunners(store, clock, logger);
  const runners = new Map<JobType, Runner>();
  for (const runner of [...builtIn.runners, ...(options.runners ?? [])]) runners.set(runner.type, runner);

  const pausedAll = () => store.settings.get<boolean>('pausedAll') === true;
  const dispatcher: Dispatcher = new Dispatcher({
    db: store.db,
    runs: store.runs,
    scheduleById: (id): Schedule | undefined => (scheduling ? loop.scheduleOf(id) : undefined) ?? store.schedules.getById(id),
    clock,
    logger,
    events,
    host,
    settings: () => store.settings.lastKnownEngine(),
    executor: {
      clock,
      logger,
      runners,
      runsDir: store.paths.runs,
      redactor: store.redactor,
      resolveQuery: options.resolveQuery ?? builtIn.sql.resolveQuery,
    },
    random: options.random ?? Math.random,
    onRetryQueued: () => aim(),
    fence: () => watch.lease.fence(),
  });
  const loop: OccurrenceLoop = new OccurrenceLoop({
    admitting: (write) => dispatcher.admitting(write),
    runs: store.runs,
    schedules: store.schedules,
    logger,
    host,
    pausedAll,
  });

  let serving = false;
  let scheduling = false;
  let ticker: Ticker | undefined;
  let notifier: Notifier | undefined;
  let checkpointer: Checkpointer | undefined;
  let maintenance: TimerHandle | undefined;
  let lastVersion = 0;
  let lastHeartbeat = 0;
  let lastRetention: number | undefined;

  const state = (): EngineState => ({
    serving,
    pausedAll: pausedAll(),
    running: dispatcher.runningCount,
    queued: store.runs.queuedCount(),
  });

  /** Tells listeners about rows just written (a run started at once has had its run.started). */
  const announce = (rows: Run[]) => {
    for (const run of rows) {
      if (run.status === 'skipped') events.emit('run.skipped', run);
      else if (run.status === 'queued') events.emit('run.queued', run);
    }
  };

  let lookingAhead = false;
  /** The ticker's wake: record due occurrences, start due runs, aim at the next instant. */
  const wake = (now: number) => {
    if (scheduling) announce(loop.handle(now));
    dispatcher.dispatchNow(now);
    aim(now);
    if (scheduling && !lookingAhead) {
      lookingAhead = true;
      setImmediate(() => {
        lookingAhead = false;
        if (scheduling) loop.lookAhead();
      });
    }
  };

  /** Aims the ticker at the next occurrence or queued run due after `now` (the wake's instant). */
  const aim = (now = clock.now()) => {
    const candidates = [scheduling ? loop.nextWake() : null, store.runs.nextDueAfter(now)].filter((x): x is number => x !== null);
    ticker?.wakeAt(candidates.length ? Math.min(...candidates) : null);
  };

  /** Re-reads what another process may have changed, and acts on cancel requests. */
  const syncWithStore = () => {
    const version = dataVersion(store.db);
    if (version === lastVersion) return;
    lastVersion = version;
    store.settings.forget();
    if (scheduling) {
      loop.reload();
      announce(loop.handle(clock.now(), true));
    }
    for (const run of store.runs.cancelRequested()) dispatcher.cancel(run, run.triggeredBy ?? 'request');
    dispatcher.request();
    aim();
  };

  const housekeeping = () => {
    try {
      // Lost: the watch stops the engine, and housekeeping ends here.
      if (!watch.lease.refresh()) return;
      const settings = store.settings.engine();
      const elapsed = clock.monotonic();
      if (elapsed - lastHeartbeat >= settings.heartbeatSeconds * 1000) {
        dispatcher.heartbeat();
        lastHeartbeat = elapsed;
      }
      if (lastRetention === undefined || elapsed - lastRetention >= RETENTION_EVERY_MS) {
        pruneHistory(store, clock.now(), settings.retentionDays, logger);
        lastRetention = elapsed;
      }
      syncWithStore();
    } catch (error) {
      logger.error('Housekeeping failed', { error: toError(error).message });
    }
    maintenance = clock.setTimeout(housekeeping, Math.min(options.pollMs ?? 1000, LEASE_REFRESH_MS));
  };

  /** Starts nothing more: no wake, no housekeeping, no dispatch. */
  const quiesce = () => {
    scheduling = false;
    ticker?.stop();
    if (maintenance) clock.clearTimeout(maintenance);
    dispatcher.close();
  };

  /** Closes what serving keeps open, once no run is left running (the runners and store stay open). */
  const closeServing = async () => {
    await Promise.all([notifier?.close(), checkpointer?.stop()]);
    notifier = checkpointer = undefined;
    serving = false;
  };

  const closeAfterLoss = () => closeServing().then(() => events.emit('engine.state', state()));
  const watch = new LeaseWatch({ db: store.db, clock, logger, runs: store.runs, dispatcher, quiesce, close: closeAfterLoss });

  const schedule = (name: string): Schedule => {
    const found = store.schedules.getByName(name);
    if (!found) throw new NotFoundError(`No schedule named '${name}'`);
    return found;
  };

  const changed = (name: string, change: ScheduleChange) => {
    events.emit('schedule.changed', { name, change });
    if (scheduling) {
      loop.reload();
      announce(loop.handle(clock.now(), true));
    }
    dispatcher.request();
    aim();
  };

  const engine = {
    events,
    store,
    logger,
    clock,

    /** Takes the data folder, recovers from a crash, plans missed occurrences, and serves. */
    async start(startOptions: StartOptions = {}): Promise<void> {
      watch.lease.acquire(host, process.pid, store.dataDir);
      checkpointer = startCheckpointer(store.db, store.paths.db, logger);
      serving = true;
      scheduling = startOptions.scheduling ?? true;
      if (options.notifications !== false) {
        const scheduleById = (id: string) => loop.scheduleOf(id);
        notifier = createNotifier({ ...options.notifications, store, events, clock, logger, host, scheduleById });
      }
      const recovered = dispatcher.recoverInterrupted(
        await endOrphanedRuns(store.runs.withStatus('running'), host, logger, store.settings.engine().heartbeatSeconds * 1000),
      );
      if (recovered.length) logger.warn(`${recovered.length} runs were interrupted by an unexpected stop; their retry policies apply`);
      lastVersion = dataVersion(store.db);
      lastHeartbeat = clock.monotonic();
      if (scheduling) {
        loop.reload();
        announce(loop.handle(clock.now(), true));
      }
      ticker = createTicker(clock, wake, (error) => logger.error('Scheduler wake failed', { error: toError(error).message }));
      dispatcher.open(startOptions.runFilter);
      housekeeping();
      aim();
      events.emit('engine.state', state());
      logger.info('Engine started', { dataDir: store.dataDir, scheduling });
    },

    /**
     * Stops: no new runs; running ones get `graceMs` (setting graceSeconds) to finish, then their
     * process trees are ended and they are recorded as interrupted, so their retry policy applies
     * at the next start. Queued runs stay queued in the store.
     */
    async stop(stopOptions: { graceMs?: number } = {}): Promise<void> {
      await watch.halting;
      if (!serving) {
        await builtIn.close();
        store.close();
        watch.stopped();
        return;
      }
      watch.stopping();
      quiesce();
      const graceMs = stopOptions.graceMs ?? store.settings.engine().graceSeconds * 1000;
      if (!(await dispatcher.drain(graceMs))) await dispatcher.abortAll();
      await Promise.all([closeServing(), builtIn.close()]);
      try {
        watch.lease.release();
      } catch (error) {
        logger.warn('Could not release the data folder lease: the next engine takes it once it is stale', { error: toError(error).message });
      }
      events.emit('engine.state', state());
      logger.info('Engine stopped');
      store.close();
      watch.stopped();
    },

    /**
     * Resolves once stop() has stopped the engine; rejects with a LeaseLostError when the engine
     * stopped itself because another engine took its data folder (the host should exit non-zero).
     */
    whenStopped: () => watch.whenStopped(),

    state,

    /** Per-host HTTP circuit breakers that are open or half-open, for the tray and UI. */
    circuitStates: () => builtIn.http.circuitStates(),

    /** Connects to a named connection and says plainly what failed. */
    testConnection: (name: string, timeoutSeconds?: number) => builtIn.sql.testConnection(name, { timeoutSeconds }),

    importFile(file: ScheduleFile, importOptions: { replace?: boolean } = {}): ImportSummary {
      const summary = importScheduleFile(store, file, { replace: importOptions.replace, now: clock.now() });
      for (const name of summary.created) changed(name, 'created');
      for (const name of summary.updated) changed(name, 'updated');
      for (const name of summary.removed) changed(name, 'deleted');
      return summary;
    },

    exportFile: (): ScheduleFile => exportScheduleFile(store),

    saveSchedule(spec: ScheduleSpec): Schedule {
      const existed = store.schedules.getByName(spec.name) !== undefined;
      const saved = saveSchedule(store, spec, clock.now());
      changed(spec.name, existed ? 'updated' : 'created');
      return saved;
    },

    deleteSchedule(name: string): void {
      const s = schedule(name);
      store.schedules.remove(s.id);
      changed(s.name, 'deleted');
    },

    getSchedule: schedule,

    listSchedules(): ScheduleStatus[] {
      return store.schedules.list().map((s) => ({
        schedule: s,
        nextRunAt: s.enabled ? (scheduling ? loop.nextDueOf(s.id) : nextRunOf(s, clock.now())) : null,
        lastRun: store.runs.lastFinished(s.id),
      }));
    },

    setPaused(name: string, paused: boolean): Schedule {
      const s = schedule(name);
      store.schedules.setPaused(s.id, paused, clock.now());
      changed(s.name, paused ? 'paused' : 'resumed');
      return schedule(s.name);
    },

    setEnabled(name: string, enabled: boolean): Schedule {
      const s = schedule(name);
      store.schedules.setEnabled(s.id, enabled, clock.now());
      changed(s.name, enabled ? 'enabled' : 'disabled');
      return schedule(s.name);
    },

    /** Pauses every schedule's cron occurrences (recorded as skipped); manual runs still work. */
    setPausedAll(paused: boolean): void {
      store.settings.set('pausedAll', paused);
      events.emit('engine.state', state());
    },

    /** Runs a schedule now, obeying its overlap policy: a refused trigger returns a skipped row. */
    trigger(name: string, triggerOptions: TriggerOptions = {}): Run {
      const now = clock.now();
      // The schedule is read inside the admitting transaction: one read of the store, not two.
      const run = dispatcher.admitting((startNow) => {
        const target = schedule(name);
        checkParameterOverrides(target, triggerOptions.parameters);
        return admitRun({ runs: store.runs, host, now, tally: ActiveTally.lazy(store.runs), startNow }, target, {
          trigger: 'manual',
          scheduledFor: now,
          triggeredBy: triggerOptions.triggeredBy ?? null,
          parameterOverrides: triggerOptions.parameters ?? null,
          timeoutSeconds: triggerOptions.timeoutSeconds ?? null,
        });
      });
      announce([run]);
      if (run.status === 'queued') dispatcher.request();
      return run;
    },

    /** Cancels a queued or running run; a run served by another process is flagged for it. */
    cancel(runId: string, by = 'operator'): Run {
      const run = engine.getRun(runId);
      if (run.status !== 'queued' && run.status !== 'running') return run;
      if (!dispatcher.cancel(run, by)) store.runs.requestCancel(runId);
      return engine.getRun(runId);
    },

    getRun(id: string): Run {
      const run = store.runs.get(id);
      if (!run) throw new NotFoundError(`No run with id '${id}'`);
      return run;
    },

    listRuns: (filter: RunFilter = {}): Run[] => store.runs.list(filter),

    readOutput(runId: string, stream: 'stdout' | 'stderr', range: { offset?: number; length?: number } = {}) {
      const run = engine.getRun(runId);
      return readRunOutput(store.paths.runs, runId, stream, range, stream === 'stdout' ? run.stdoutTail : run.stderrTail);
    },

    /**
     * Resolves with the last run of `runId`'s retry chain once it has ended and no retry is
     * pending. Polls the store, so it also follows runs executed by another process.
     */
    async waitForChain(runId: string, pollMs = 200): Promise<Run> {
      const chainId = engine.getRun(runId).chainId;
      for (;;) {
        const chain = store.runs.list({ chainId, limit: 1000 });
        const last = chain.reduce((a, b) => (b.attempt > a.attempt ? b : a));
        if (last.status !== 'queued' && last.status !== 'running') return last;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
  };
  return engine;
}

/** The engine's type, for hosts and UIs. */
export type Engine = ReturnType<typeof createEngine>;
