/**
 * The engine's scheduling loop in miniature, for tests: a ticker on a fake clock, and on each
 * wake a plan, recorded actions, the marker moved and the next wake aimed. What it records is
 * what a user would see in the run history.
 */
import { parseCron } from '../../src-main/engine/scheduler/cron.ts';
import { planOccurrences, type PlannedAction } from '../../src-main/engine/scheduler/plan.ts';
import { createTicker } from '../../src-main/engine/scheduler/ticker.ts';
import type { MisfirePolicy } from '../../src-main/engine/types.ts';
import type { FakeClock } from '../helpers/fake-clock.ts';

/** One recorded action with the wall time it was recorded at (ISO strings, for readable diffs). */
export type Recorded =
  | { kind: 'run' | 'catch_up'; occurrence: string; at: string }
  | { kind: 'skip'; occurrence: string; reason: string; at: string }
  | { kind: 'skip_summary'; from: string; to: string; count: number; countIsLowerBound: boolean; reason: string; at: string };

/** The schedule the loop plans; misfire defaults to fire_once with a 60-s threshold. */
export interface SimulatedEngineOptions {
  expression: string;
  timezone: string;
  misfire?: MisfirePolicy;
  misfireThresholdSeconds?: number;
  paused?: boolean;
}

/** What a test reads from the loop, and the pause switch a user would flip. */
export interface SimulatedEngine {
  readonly records: Recorded[];
  /** Instants (ISO) of the occurrences that ran, on time or as catch-up. */
  ranOccurrences(): string[];
  lastOccurrence(): number | null;
  setPaused(paused: boolean): void;
  stop(): void;
}

/** Epoch ms as an ISO string, the form every record uses. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** Starts the loop at the clock's current wall time (the schedule's `since`). */
export function startSimulatedEngine(clock: FakeClock, options: SimulatedEngineOptions): SimulatedEngine {
  const cron = parseCron(options.expression, options.timezone);
  const since = clock.now();
  const records: Recorded[] = [];
  let lastOccurrence: number | null = null;
  let nextDue: number | null = null;
  let paused = options.paused ?? false;
  let inWake = false;

  const handle = (now: number) => {
    if (inWake) throw new Error('onWake was called re-entrantly');
    inWake = true;
    try {
      if (nextDue === null || now >= nextDue) {
        const plan = planOccurrences({
          cron,
          lastOccurrence,
          since,
          now,
          misfire: options.misfire ?? 'fire_once',
          misfireThresholdMs: (options.misfireThresholdSeconds ?? 60) * 1000,
          paused,
        });
        for (const action of plan.actions) records.push(toRecord(action, now));
        lastOccurrence = plan.lastOccurrence;
        nextDue = plan.nextDue;
      }
      ticker.wakeAt(nextDue);
    } finally {
      inWake = false;
    }
  };

  const ticker = createTicker(clock, handle);
  handle(clock.now());
  return {
    records,
    ranOccurrences: () =>
      records.flatMap((r) => (r.kind === 'run' || r.kind === 'catch_up' ? [r.occurrence] : [])),
    lastOccurrence: () => lastOccurrence,
    setPaused(value) {
      paused = value;
    },
    stop: () => ticker.stop(),
  };
}

function toRecord(action: PlannedAction, now: number): Recorded {
  const at = iso(now);
  switch (action.kind) {
    case 'run':
    case 'catch_up':
      return { kind: action.kind, occurrence: iso(action.occurrence), at };
    case 'skip':
      return { kind: 'skip', occurrence: iso(action.occurrence), reason: action.reason, at };
    case 'skip_summary':
      return { ...action, from: iso(action.from), to: iso(action.to), at };
  }
}
