/**
 * Deciding whether an occurrence or a "run now" becomes a queued run or a skipped row, by the
 * schedule's overlap policy. The same function serves the engine and a CLI writing to the store
 * while an engine serves, inside one IMMEDIATE transaction, so two rapid clicks or two processes
 * can never both get a run of a `skip` schedule. A run the dispatcher can take at once is written
 * as running straight away: one write and one commit instead of a queued row started later.
 */
import { randomUUID } from 'node:crypto';
import type { RunsRepo } from '../store/runs-repo.ts';
import type { Run, RunTrigger, Schedule, SkipReason } from '../types.ts';

export interface AdmitRequest {
  trigger: RunTrigger;
  /** The cron occurrence, or the moment of a manual trigger. */
  scheduledFor: number;
  triggeredBy?: string | null;
  parameterOverrides?: Record<string, string> | null;
  timeoutSeconds?: number | null;
  /** Admit even when the overlap policy would skip (fire_all catch-ups run one after another). */
  bypassOverlap?: boolean;
}

/** Builds a run row that has not started yet. */
export function newRun(schedule: Schedule, request: AdmitRequest, host: string, now: number): Run {
  const id = randomUUID();
  return {
    id,
    scheduleId: schedule.id,
    scheduleName: schedule.name,
    attempt: 0,
    trigger: request.trigger,
    triggeredBy: request.triggeredBy ?? null,
    chainId: id,
    scheduledFor: request.scheduledFor,
    dueAt: request.trigger === 'manual' ? now : request.scheduledFor,
    startedAt: null,
    finishedAt: null,
    heartbeatAt: null,
    status: 'queued',
    exitCode: null,
    error: null,
    errorDetail: null,
    reason: null,
    stdoutTail: null,
    stderrTail: null,
    result: null,
    host,
    pid: null,
    priority: schedule.priority,
    timeoutSeconds: request.timeoutSeconds ?? null,
    parameterOverrides: request.parameterOverrides ?? null,
    cancelRequested: false,
    createdAt: now,
  };
}

/** Builds the row that records an occurrence which did not run, and why. */
export function skippedRun(
  schedule: Schedule,
  request: AdmitRequest,
  reason: SkipReason,
  message: string,
  host: string,
  now: number,
): Run {
  return { ...newRun(schedule, request, host, now), status: 'skipped', reason, error: message, finishedAt: now };
}

/** How many runs of a schedule are running, and how many (not retries) wait to. */
export interface ActiveCounts {
  running: number;
  waiting: number;
}

/**
 * Active runs per schedule as seen inside the admitting transaction, kept current as that
 * transaction adds rows, so a wake admitting many schedules reads the store once, not per row.
 */
export class ActiveTally {
  readonly #counts: Map<string, ActiveCounts>;
  readonly #load: ((scheduleId: string) => ActiveCounts) | undefined;

  private constructor(counts: Map<string, ActiveCounts>, load?: (scheduleId: string) => ActiveCounts) {
    this.#counts = counts;
    this.#load = load;
  }

  /** Every schedule's counts, read in one query (a schedule not in it has none). */
  static all(runs: RunsRepo): ActiveTally {
    return new ActiveTally(runs.activeCountsAll());
  }

  /** Counts read per schedule on first use (one admission). */
  static lazy(runs: RunsRepo): ActiveTally {
    return new ActiveTally(new Map(), (id) => runs.activeCounts(id));
  }

  of(scheduleId: string): ActiveCounts {
    let counts = this.#counts.get(scheduleId);
    if (!counts) {
      counts = this.#load?.(scheduleId) ?? { running: 0, waiting: 0 };
      this.#counts.set(scheduleId, counts);
    }
    return counts;
  }

  /** Counts a row just written. */
  add(run: Run): void {
    const counts = this.of(run.scheduleId);
    if (run.status === 'running') counts.running += 1;
    else if (run.status === 'queued' && run.trigger !== 'retry') counts.waiting += 1;
  }
}

/** Where and when runs are being admitted, inside one IMMEDIATE transaction. */
export interface AdmitContext {
  runs: RunsRepo;
  host: string;
  now: number;
  tally: ActiveTally;
  /**
   * Writes a run admitted now as already running when the dispatcher can take it at once (see
   * Dispatcher.admitting); otherwise returns it unchanged, queued.
   */
  startNow?: (schedule: Schedule, run: Run) => Run;
}

/** Why the overlap policy refuses another run right now, or null if it may be queued. */
export function overlapRefusal(schedule: Schedule, ctx: AdmitContext): string | null {
  const { running, waiting } = ctx.tally.of(schedule.id);
  switch (schedule.overlap) {
    case 'skip': {
      if (running + waiting === 0) return null;
      const active = ctx.runs.activeRun(schedule.id);
      const which = active ? `run ${active.id} is ${active.status === 'running' ? 'still running' : 'waiting to run'}` : 'another run is active';
      return `Skipped because ${which} (overlap: skip)`;
    }
    case 'queue':
      return waiting > 0 ? `Skipped because a run is already waiting behind ${running} running (overlap: queue)` : null;
    case 'parallel': {
      const max = schedule.maxParallel ?? 2;
      return running + waiting >= max ? `Skipped because ${running + waiting} runs are active (overlap: parallel, maxParallel ${max})` : null;
    }
  }
}

/**
 * Writes a queued run (or a running one, when `ctx.startNow` can start it at once), or a
 * skipped row if the overlap policy refuses; returns the row.
 */
export function admitRun(ctx: AdmitContext, schedule: Schedule, request: AdmitRequest): Run {
  const refusal = request.bypassOverlap ? null : overlapRefusal(schedule, ctx);
  let run = refusal
    ? skippedRun(schedule, request, 'overlap', refusal, ctx.host, ctx.now)
    : newRun(schedule, request, ctx.host, ctx.now);
  if (!refusal && ctx.startNow) run = ctx.startNow(schedule, run);
  ctx.runs.insert(run);
  ctx.tally.add(run);
  return run;
}

/** True when the dispatcher may start another run of this schedule now. */
export function mayStart(schedule: Schedule, runningOfSchedule: number): boolean {
  return schedule.overlap === 'parallel' ? runningOfSchedule < (schedule.maxParallel ?? 2) : runningOfSchedule === 0;
}
