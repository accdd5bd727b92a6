/**
 * Which occurrences of one schedule are due now, and what to do with each: run it, run it as a
 * catch-up, or record it as skipped. Pure (no timers, no I/O), so hostile time (sleep, clock
 * changes, long gaps, DST) is tested as plain tables. The marker it returns is what makes
 * "nothing runs twice" hold: nothing at or before it is ever planned again.
 */
import { describeValue } from '../errors.ts';
import type { MisfirePolicy } from '../types.ts';
import type { CronSchedule } from './cron.ts';

/**
 * At most this many occurrences (the most recent) are planned one by one; older due ones become
 * one `skip_summary`. Bounds both the work and the burst of runs after a long gap.
 */
export const MAX_PLANNED_OCCURRENCES = 100;

/**
 * A summary's count is exact when at most this many `next` steps count it, else a lower bound.
 * croner needs tens of microseconds per step, so this keeps a plan well under a second.
 */
export const SUMMARY_COUNT_BUDGET = 10_000;

/** Everything the planner needs to know about one schedule at one instant. */
export interface PlanInput {
  cron: CronSchedule;
  /** The last occurrence handled (run or skipped); nothing at or before it is planned again. */
  lastOccurrence: number | null;
  /** Creation or enable time: occurrences at or before it are never due. */
  since: number;
  /** The wall clock, epoch ms. */
  now: number;
  misfire: MisfirePolicy;
  misfireThresholdMs: number;
  paused: boolean;
  /**
   * The first occurrence after the marker and the one after that, when the caller already has
   * them (the occurrence loop computes them ahead, between wakes); saves two croner calls on the
   * path from wake to start. Must equal what `cron.next` would give.
   */
  known?: { first: number | null; second: number | null };
}

/** One thing the engine must record for one occurrence (or, for a summary, many). */
export type PlannedAction =
  | { kind: 'run'; occurrence: number }
  | { kind: 'catch_up'; occurrence: number }
  | { kind: 'skip'; occurrence: number; reason: 'misfire' | 'paused' }
  | {
      kind: 'skip_summary';
      from: number;
      to: number;
      count: number;
      countIsLowerBound: boolean;
      reason: 'misfire' | 'paused';
    };

/** The planner's answer: what to record, the new marker, and when to look again. */
export interface Plan {
  /** In occurrence order, the summary (if any) first. */
  actions: PlannedAction[];
  /** The latest occurrence handled (<= now), or the input marker when nothing was due. */
  lastOccurrence: number | null;
  /** The first occurrence after the new marker (always > now), or null when there is none. */
  nextDue: number | null;
}

/**
 * Plans every occurrence in (max(lastOccurrence, since), now]. One whose lateness (now minus
 * occurrence) is at most the threshold runs; a missed one follows the misfire policy:
 * `fire_once` runs the latest missed as a catch-up and skips the others, `skip` skips them all,
 * `fire_all` runs them all as catch-ups. A paused schedule skips everything due. Only the most
 * recent MAX_PLANNED_OCCURRENCES are planned one by one (so at most that many run); older ones
 * are one skip_summary. The cost is bounded whatever the gap: it walks back from now.
 */
export function planOccurrences(input: PlanInput): Plan {
  checkInput(input);
  const { cron, lastOccurrence, since, now } = input;
  const floor = lastOccurrence === null ? since : Math.max(lastOccurrence, since);
  const first = input.known ? input.known.first : cron.next(floor);
  if (first === null || first > now) return { actions: [], lastOccurrence, nextDue: first };
  const second = input.known ? input.known.second : cron.next(first);
  if (second === null || second > now) {
    // The common case, one occurrence due: two croner calls instead of a backward walk.
    return { actions: classify([first], input), lastOccurrence: first, nextDue: second };
  }

  const latest = latestAtOrBefore(cron, first, now);
  const recent = [latest];
  let older = cron.previous(latest);
  while (older !== null && older > floor && recent.length < MAX_PLANNED_OCCURRENCES) {
    recent.push(older);
    older = cron.previous(older);
  }
  recent.reverse();

  const reason = input.paused ? 'paused' : 'misfire';
  const actions: PlannedAction[] = [];
  if (older !== null && older > floor) actions.push(summarise(cron, first, older, reason));
  actions.push(...classify(recent, input));
  return { actions, lastOccurrence: latest, nextDue: cron.next(latest) };
}

/** The latest occurrence <= now, given `first`, an occurrence <= now. */
function latestAtOrBefore(cron: CronSchedule, first: number, now: number): number {
  const found = cron.previous(now + 1);
  let latest = found !== null && found >= first ? found : first;
  // croner's backward walk agrees with its forward one; this keeps `nextDue > now` even if not
  // (bounded: at worst the next wake plans the rest).
  for (let step = 0; step < MAX_PLANNED_OCCURRENCES; step += 1) {
    const next = cron.next(latest);
    if (next === null || next > now) break;
    latest = next;
  }
  return latest;
}

function classify(recent: number[], input: PlanInput): PlannedAction[] {
  if (input.paused) return recent.map((occurrence) => ({ kind: 'skip', occurrence, reason: 'paused' }));
  const missed = (occurrence: number) => input.now - occurrence > input.misfireThresholdMs;
  const latestMissed = recent.filter(missed).at(-1);
  return recent.map((occurrence): PlannedAction => {
    if (!missed(occurrence)) return { kind: 'run', occurrence };
    if (input.misfire === 'fire_all' || (input.misfire === 'fire_once' && occurrence === latestMissed)) {
      return { kind: 'catch_up', occurrence };
    }
    return { kind: 'skip', occurrence, reason: 'misfire' };
  });
}

/** One row for the occurrences from `from` to `to` (both occurrences), counted within budget. */
function summarise(cron: CronSchedule, from: number, to: number, reason: 'misfire' | 'paused'): PlannedAction {
  let count = 1;
  for (let cursor = from; cursor < to; count += 1) {
    if (count >= SUMMARY_COUNT_BUDGET) {
      return { kind: 'skip_summary', from, to, count: count + 1, countIsLowerBound: true, reason };
    }
    const next = cron.next(cursor);
    if (next === null || next > to) break;
    cursor = next;
  }
  return { kind: 'skip_summary', from, to, count, countIsLowerBound: false, reason };
}

function checkInput(input: PlanInput): void {
  const numbers: Array<[string, unknown]> = [
    ['now', input.now],
    ['since', input.since],
    ['lastOccurrence', input.lastOccurrence ?? 0],
    ['misfireThresholdMs', input.misfireThresholdMs],
  ];
  for (const [name, value] of numbers) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`Expected \`${name}\` to be a finite number of milliseconds, got ${describeNumber(value)}`);
    }
  }
  if (input.misfireThresholdMs < 0) {
    throw new RangeError(
      `Expected \`misfireThresholdMs\` to be zero or more, got ${describeNumber(input.misfireThresholdMs)}`,
    );
  }
}

/** describeValue, except that NaN and Infinity keep their names (JSON would print `null`). */
function describeNumber(value: unknown): string {
  return typeof value === 'number' ? `\`${value}\` (number)` : describeValue(value);
}
