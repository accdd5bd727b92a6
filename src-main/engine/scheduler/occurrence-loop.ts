/**
 * Turns the calendar into rows. For each enabled schedule it keeps the next due occurrence; when
 * one comes due (or the wall clock jumped past it) it plans with `planOccurrences` and writes, in
 * one transaction, the queued or skipped rows together with the schedule's new occurrence marker.
 * The marker is what makes "nothing runs twice" hold across clock changes and restarts.
 */
import type { Database } from 'better-sqlite3';
import type { Logger } from '../logger.ts';
import { admitRun, skippedRun } from '../runs/admission.ts';
import type { RunsRepo } from '../store/runs-repo.ts';
import type { SchedulesRepo } from '../store/schedules-repo.ts';
import type { Run, Schedule } from '../types.ts';
import { parseCron, type CronSchedule } from './cron.ts';
import { planOccurrences, type PlannedAction } from './plan.ts';

interface Entry {
  schedule: Schedule;
  cron: CronSchedule;
  nextDue: number | null;
}

export interface OccurrenceLoopDeps {
  db: Database;
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

  /** Handles every occurrence due at `now` (all schedules when `all`); returns the rows written. */
  handle(now: number, all = false): Run[] {
    const written: Run[] = [];
    const due = [...this.#entries.values()].filter((e) => all || e.nextDue === null || e.nextDue <= now);
    if (due.length === 0) return written;
    this.#deps.db.transaction(() => {
      for (const entry of due) written.push(...this.#handleOne(entry, now));
    }).immediate();
    return written;
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
   * Plans one schedule from its in-memory copy: every change (ours, or another process's seen
   * through data_version) goes through `reload`, so the copy is current.
   */
  #handleOne(entry: Entry, now: number): Run[] {
    const fresh = entry.schedule;
    const plan = planOccurrences({
      cron: entry.cron,
      lastOccurrence: fresh.lastOccurrence,
      since: fresh.createdAt,
      now,
      misfire: fresh.misfire,
      misfireThresholdMs: fresh.misfireThresholdSeconds * 1000,
      paused: fresh.paused || this.#deps.pausedAll(),
    });
    const rows = plan.actions.map((action) => this.#apply(fresh, action, now));
    if (plan.lastOccurrence !== null && plan.lastOccurrence !== fresh.lastOccurrence) {
      this.#deps.schedules.setLastOccurrence(fresh.id, plan.lastOccurrence);
      entry.schedule = { ...fresh, lastOccurrence: plan.lastOccurrence };
    }
    entry.nextDue = plan.nextDue;
    return rows;
  }

  #apply(schedule: Schedule, action: PlannedAction, now: number): Run {
    const { runs, host } = this.#deps;
    switch (action.kind) {
      case 'run':
        return admitRun(runs, schedule, { trigger: 'schedule', scheduledFor: action.occurrence }, host, now);
      case 'catch_up':
        return admitRun(
          runs,
          schedule,
          { trigger: 'catch_up', scheduledFor: action.occurrence, bypassOverlap: schedule.misfire === 'fire_all' },
          host,
          now,
        );
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
