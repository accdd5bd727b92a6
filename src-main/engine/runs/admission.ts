/**
 * Deciding whether an occurrence or a "run now" becomes a queued run or a skipped row, by the
 * schedule's overlap policy. The same function serves the engine and a CLI writing to the store
 * while an engine serves, inside one IMMEDIATE transaction, so two rapid clicks or two processes
 * can never both get a run of a `skip` schedule.
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

/** Why the overlap policy refuses another run right now, or null if it may be queued. */
export function overlapRefusal(schedule: Schedule, runs: RunsRepo): string | null {
  const { running, waiting } = runs.activeCounts(schedule.id);
  switch (schedule.overlap) {
    case 'skip': {
      if (running + waiting === 0) return null;
      const active = runs.activeRun(schedule.id);
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

/** Inserts a queued run, or a skipped row if the overlap policy refuses; returns the row. */
export function admitRun(runs: RunsRepo, schedule: Schedule, request: AdmitRequest, host: string, now: number): Run {
  const refusal = request.bypassOverlap ? null : overlapRefusal(schedule, runs);
  const run = refusal
    ? skippedRun(schedule, request, 'overlap', refusal, host, now)
    : newRun(schedule, request, host, now);
  runs.insert(run);
  return run;
}

/** True when the dispatcher may start another run of this schedule now. */
export function mayStart(schedule: Schedule, runningOfSchedule: number): boolean {
  return schedule.overlap === 'parallel' ? runningOfSchedule < (schedule.maxParallel ?? 2) : runningOfSchedule === 0;
}
