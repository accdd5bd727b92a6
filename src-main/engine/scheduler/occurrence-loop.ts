/**
 * Turns the calendar into rows. For each enabled schedule it keeps the next due occurrence; when
 * one comes due (or the wall clock jumped past it) it plans with `planOccurrences` and writes, in
 * one transaction, the rows (running when the dispatcher can start them at once, else queued or
 * skipped) together with the schedules' new occurrence markers. The marker is what makes "nothing
 * runs twice" hold across clock changes and restarts.
 *
 * The path from a wake to a started run is kept free of calendar arithmetic: between wakes
 * (`lookAhead`) each schedule's occurrence after its next one is computed, so a wake where
 * a thousand schedules come due in the same millisecond only compares numbers and writes rows.
 */
import type { Logger } from '../logger.ts';
import { ActiveTally, admitRun, skippedRun, type AdmitContext } from '../runs/admission.ts';
import type { RunsRepo } from '../store/runs-repo.ts';
import type { SchedulesRepo } from '../store/schedules-repo.ts';
import type { Run, Schedule } from '../types.ts';
import { parseCron, type CronSchedule } from './cron.ts';
import { planOccurrences, type PlannedAction } from './plan.ts';

interface Entry {
  schedule: Schedule;
  cron: CronSchedule;
  nextDue: number | null;
  /** cron.next(nextDue) once lookAhead has computed it; undefined until then. */
  following?: number | null;
}

export interface OccurrenceLoopDeps {
  /** Runs the writes of one wake in one transaction, starting what can start (Dispatcher.admitting). */
  admitting: <T>(write: (startNow: NonNullable<AdmitContext['startNow']>) => T) => T;
  runs: RunsRepo;
  schedules: SchedulesRepo;
  logger: Logger;
  host: string;
  pausedAll: () => boolean;
}

/** Plans occurrences of every enabled schedule and records them. */
export class OccurrenceLoop {
  readonly #deps: OccurrenceLoopDeps;
  #entries = new Map<string, Entry>();

  constructor(deps: OccurrenceLoopDeps) {
    this.#deps = deps;
  }

  /** Re-reads every schedule (after an import, an edit, or a change by another process). */
  reload(): void {
    const entries = new Map<string, Entry>();
    for (const schedule of this.#deps.schedules.list()) {
      if (!schedule.enabled) continue;
      const previous = this.#entries.get(schedule.id);
      try {
        const cron =
          previous && previous.schedule.cron === schedule.cron && previous.schedule.timezone === schedule.timezone
            ? previous.cron
            : parseCron(schedule.cron, schedule.timezone);
        entries.set(schedule.id, { schedule, cron, nextDue: null });
      } catch (error) {
        this.#deps.logger.error('Schedule not planned: its cron expression is invalid', {
          schedule: schedule.name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    this.#entries = entries;
  }

  /**
   * Handles every occurrence due at `now` (all schedules when `all`); returns the rows written.
   * Schedules are handled by priority, then occurrence, the order the dispatcher starts runs in.
   */
  handle(now: number, all = false): Run[] {
    const written: Run[] = [];
    const due: Entry[] = [];
    for (const e of this.#entries.values()) if (all || e.nextDue === null || e.nextDue <= now) due.push(e);
    if (due.length === 0) return written;
    due.sort((a, b) => b.schedule.priority - a.schedule.priority || (a.nextDue ?? now) - (b.nextDue ?? now));
    const { runs, schedules, host } = this.#deps;
    const pausedAll = this.#deps.pausedAll();
    const planned = this.#deps.admitting((startNow) => {
      // After a reload (`all`) the next occurrences are not known yet, so this order is not the
      // dispatcher's: those rows are queued, and the dispatcher starts them in its own order.
      const ctx: AdmitContext = { runs, host, now, tally: ActiveTally.all(runs), startNow: all ? undefined : startNow };
      const plans = due.map((entry) => this.#handleOne(entry, ctx, pausedAll, written));
      schedules.setLastOccurrences(plans.flatMap((p) => (p.marker === null ? [] : [[p.entry.schedule.id, p.marker] as [string, number]])));
      return plans;
    });
    // Only once the rows are committed: if the transaction fails, the next wake plans again.
    for (const { entry, marker, nextDue } of planned) {
      if (nextDue !== entry.nextDue) {
        entry.nextDue = nextDue;
        entry.following = undefined;
      }
      if (marker !== null) entry.schedule = { ...entry.schedule, lastOccurrence: marker };
    }
    return written;
  }

  /**
   * Computes, for every schedule, the occurrence after its next one, so that the next wake does
   * no calendar arithmetic. Call it between wakes; returns how many schedules it looked at.
   */
  lookAhead(): number {
    let computed = 0;
    for (const entry of this.#entries.values()) {
      if (entry.nextDue === null || entry.following !== undefined) continue;
      entry.following = entry.cron.next(entry.nextDue);
      computed += 1;
    }
    return computed;
  }

  /** The earliest next occurrence of any schedule. */
  nextWake(): number | null {
    let min: number | null = null;
    for (const e of this.#entries.values()) if (e.nextDue !== null && (min === null || e.nextDue < min)) min = e.nextDue;
    return min;
  }

  /** The in-memory copy of an enabled schedule, current as of the last reload. */
  scheduleOf(scheduleId: string): Schedule | undefined {
    return this.#entries.get(scheduleId)?.schedule;
  }

  /** The next occurrence of one schedule, as planned. */
  nextDueOf(scheduleId: string): number | null {
    return this.#entries.get(scheduleId)?.nextDue ?? null;
  }

  /**
   * Plans one schedule from its in-memory copy (every change, ours or another process's seen
   * through data_version, goes through `reload`, so the copy is current) and writes its rows into
   * `written`. Returns the new occurrence marker to store (null if it did not move) and the next
   * occurrence, for `handle` to keep once the transaction has committed.
   */
  #handleOne(entry: Entry, ctx: AdmitContext, pausedAll: boolean, written: Run[]): { entry: Entry; marker: number | null; nextDue: number | null } {
    const fresh = entry.schedule;
    const plan = planOccurrences({
      cron: entry.cron,
      lastOccurrence: fresh.lastOccurrence,
      since: fresh.createdAt,
      now: ctx.now,
      misfire: fresh.misfire,
      misfireThresholdMs: fresh.misfireThresholdSeconds * 1000,
      paused: fresh.paused || pausedAll,
      known: entry.nextDue !== null && entry.following !== undefined ? { first: entry.nextDue, second: entry.following } : undefined,
    });
    for (const action of plan.actions) written.push(this.#apply(fresh, action, ctx));
    const moved = plan.lastOccurrence !== null && plan.lastOccurrence !== fresh.lastOccurrence;
    return { entry, marker: moved ? plan.lastOccurrence : null, nextDue: plan.nextDue };
  }

  #apply(schedule: Schedule, action: PlannedAction, ctx: AdmitContext): Run {
    const { runs, host, now } = ctx;
    switch (action.kind) {
      case 'run':
        return admitRun(ctx, schedule, { trigger: 'schedule', scheduledFor: action.occurrence });
      case 'catch_up':
        return admitRun(ctx, schedule, {
          trigger: 'catch_up',
          scheduledFor: action.occurrence,
          bypassOverlap: schedule.misfire === 'fire_all',
        });
      case 'skip': {
        const run = skippedRun(schedule, { trigger: 'schedule', scheduledFor: action.occurrence }, action.reason,
          skipMessage(schedule, action.reason, now - action.occurrence), host, now);
        runs.insert(run);
        return run;
      }
      case 'skip_summary': {
        const count = `${action.countIsLowerBound ? 'at least ' : ''}${action.count}`;
        const message = `${count} occurrences from ${iso(action.from)} to ${iso(action.to)} were not run: ${
          action.reason === 'paused' ? 'the schedule was paused' : `missed (misfire: ${schedule.misfire})`
        }; only the latest ones have rows of their own`;
        const run = skippedRun(schedule, { trigger: 'schedule', scheduledFor: action.to }, action.reason, message, host, now);
        runs.insert(run);
        return run;
      }
    }
  }
}

function skipMessage(schedule: Schedule, reason: 'misfire' | 'paused', lateMs: number): string {
  if (reason === 'paused') return 'Skipped: the schedule (or the whole engine) was paused';
  const late = Math.round(lateMs / 1000);
  const policy =
    schedule.misfire === 'skip' ? 'misfire: skip runs nothing that was missed'
    : schedule.misfire === 'fire_once' ? 'misfire: fire_once runs one catch-up for the latest missed occurrence'
    : 'misfire: fire_all runs at most the latest 100 missed occurrences';
  return `Missed by ${late} s while Batchlight was not running or the machine was asleep (threshold ${schedule.misfireThresholdSeconds} s; ${policy})`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
