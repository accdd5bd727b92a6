import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src-main/engine/scheduler/cron.ts';
import {
  MAX_PLANNED_OCCURRENCES,
  planOccurrences,
  SUMMARY_COUNT_BUDGET,
  type PlanInput,
  type PlannedAction,
} from '../../src-main/engine/scheduler/plan.ts';

const at = (isoText: string) => Date.parse(isoText);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const every10Minutes = parseCron('*/10 * * * *', 'UTC');

function plan(overrides: Partial<PlanInput>) {
  const result = planOccurrences({
    cron: every10Minutes,
    lastOccurrence: at('2026-01-05T10:00:00Z'),
    since: at('2026-01-01T00:00:00Z'),
    now: at('2026-01-05T10:10:30Z'),
    misfire: 'fire_once',
    misfireThresholdMs: 60_000,
    paused: false,
    ...overrides,
  });
  return { ...result, lastOccurrence: iso(result.lastOccurrence), nextDue: iso(result.nextDue), actions: result.actions.map(readable) };
}

function readable(action: PlannedAction): string {
  switch (action.kind) {
    case 'run':
    case 'catch_up':
      return `${action.kind} ${iso(action.occurrence)}`;
    case 'skip':
      return `skip ${iso(action.occurrence)} ${action.reason}`;
    case 'skip_summary':
      return `skip_summary ${iso(action.from)}..${iso(action.to)} ${action.countIsLowerBound ? '>=' : '='}${action.count} ${action.reason}`;
  }
}

describe('planOccurrences', () => {
  it.each([
    {
      name: 'an occurrence reached on time runs',
      input: {},
      actions: ['run 2026-01-05T10:10:00.000Z'],
      marker: '2026-01-05T10:10:00.000Z',
      nextDue: '2026-01-05T10:20:00.000Z',
    },
    {
      name: 'nothing is due between occurrences',
      input: { now: at('2026-01-05T10:05:00Z') },
      actions: [],
      marker: '2026-01-05T10:00:00.000Z',
      nextDue: '2026-01-05T10:10:00.000Z',
    },
    {
      name: 'an occurrence exactly at the marker is not handled again',
      input: { now: at('2026-01-05T10:00:00Z') },
      actions: [],
      marker: '2026-01-05T10:00:00.000Z',
      nextDue: '2026-01-05T10:10:00.000Z',
    },
    {
      name: 'a clock set back behind the marker repeats nothing',
      input: { now: at('2026-01-05T09:00:00Z') },
      actions: [],
      marker: '2026-01-05T10:00:00.000Z',
      nextDue: '2026-01-05T10:10:00.000Z',
    },
    {
      name: 'a new schedule does not run the occurrence at its creation instant',
      input: { lastOccurrence: null, since: at('2026-01-05T10:00:00Z'), now: at('2026-01-05T10:00:30Z') },
      actions: [],
      marker: null,
      nextDue: '2026-01-05T10:10:00.000Z',
    },
    {
      name: 'a new schedule runs its first occurrence after creation',
      input: { lastOccurrence: null, since: at('2026-01-05T10:00:00Z') },
      actions: ['run 2026-01-05T10:10:00.000Z'],
      marker: '2026-01-05T10:10:00.000Z',
      nextDue: '2026-01-05T10:20:00.000Z',
    },
    {
      name: 'since later than the marker (re-enabled) hides the occurrences in between',
      input: { since: at('2026-01-05T10:35:00Z'), now: at('2026-01-05T10:40:10Z') },
      actions: ['run 2026-01-05T10:40:00.000Z'],
      marker: '2026-01-05T10:40:00.000Z',
      nextDue: '2026-01-05T10:50:00.000Z',
    },
    {
      name: 'an occurrence exactly the threshold late still runs on time',
      input: { now: at('2026-01-05T10:11:00Z') },
      actions: ['run 2026-01-05T10:10:00.000Z'],
      marker: '2026-01-05T10:10:00.000Z',
      nextDue: '2026-01-05T10:20:00.000Z',
    },
    {
      name: 'an occurrence one millisecond past the threshold is a catch-up',
      input: { now: at('2026-01-05T10:11:00.001Z') },
      actions: ['catch_up 2026-01-05T10:10:00.000Z'],
      marker: '2026-01-05T10:10:00.000Z',
      nextDue: '2026-01-05T10:20:00.000Z',
    },
    {
      name: 'fire_once runs the latest missed occurrence and skips the others',
      input: { now: at('2026-01-05T10:45:00Z') },
      actions: [
        'skip 2026-01-05T10:10:00.000Z misfire',
        'skip 2026-01-05T10:20:00.000Z misfire',
        'skip 2026-01-05T10:30:00.000Z misfire',
        'catch_up 2026-01-05T10:40:00.000Z',
      ],
      marker: '2026-01-05T10:40:00.000Z',
      nextDue: '2026-01-05T10:50:00.000Z',
    },
    {
      name: 'fire_once with an on-time occurrence catches up the latest missed one too',
      input: { now: at('2026-01-05T10:40:30Z') },
      actions: [
        'skip 2026-01-05T10:10:00.000Z misfire',
        'skip 2026-01-05T10:20:00.000Z misfire',
        'catch_up 2026-01-05T10:30:00.000Z',
        'run 2026-01-05T10:40:00.000Z',
      ],
      marker: '2026-01-05T10:40:00.000Z',
      nextDue: '2026-01-05T10:50:00.000Z',
    },
    {
      name: 'skip records every missed occurrence and runs none',
      input: { now: at('2026-01-05T10:40:30Z'), misfire: 'skip' as const },
      actions: [
        'skip 2026-01-05T10:10:00.000Z misfire',
        'skip 2026-01-05T10:20:00.000Z misfire',
        'skip 2026-01-05T10:30:00.000Z misfire',
        'run 2026-01-05T10:40:00.000Z',
      ],
      marker: '2026-01-05T10:40:00.000Z',
      nextDue: '2026-01-05T10:50:00.000Z',
    },
    {
      name: 'fire_all runs every missed occurrence as a catch-up',
      input: { now: at('2026-01-05T10:45:00Z'), misfire: 'fire_all' as const },
      actions: [
        'catch_up 2026-01-05T10:10:00.000Z',
        'catch_up 2026-01-05T10:20:00.000Z',
        'catch_up 2026-01-05T10:30:00.000Z',
        'catch_up 2026-01-05T10:40:00.000Z',
      ],
      marker: '2026-01-05T10:40:00.000Z',
      nextDue: '2026-01-05T10:50:00.000Z',
    },
    {
      name: 'a paused schedule skips what comes due, on time or not, and moves its marker',
      input: { now: at('2026-01-05T10:20:30Z'), paused: true },
      actions: ['skip 2026-01-05T10:10:00.000Z paused', 'skip 2026-01-05T10:20:00.000Z paused'],
      marker: '2026-01-05T10:20:00.000Z',
      nextDue: '2026-01-05T10:30:00.000Z',
    },
    {
      name: 'a schedule that never matches plans nothing and has no next occurrence',
      input: { cron: parseCron('0 0 31 2 *', 'UTC'), now: at('2027-01-01T00:00:00Z') },
      actions: [],
      marker: '2026-01-05T10:00:00.000Z',
      nextDue: null,
    },
  ])('$name', ({ input, actions, marker, nextDue }) => {
    const result = plan(input);
    expect(result.actions).toEqual(actions);
    expect(result.lastOccurrence).toBe(marker);
    expect(result.nextDue).toBe(nextDue);
  });

  it('fire_all runs at most the latest 100 missed occurrences and summarises the older ones', () => {
    const result = plan({
      cron: parseCron('* * * * *', 'UTC'),
      lastOccurrence: at('2026-01-05T10:00:00Z'),
      now: at('2026-01-05T12:30:30Z'),
      misfire: 'fire_all',
    });
    expect(result.actions).toHaveLength(1 + MAX_PLANNED_OCCURRENCES);
    expect(result.actions[0]).toBe('skip_summary 2026-01-05T10:01:00.000Z..2026-01-05T10:50:00.000Z =50 misfire');
    expect(result.actions[1]).toBe('catch_up 2026-01-05T10:51:00.000Z');
    expect(result.actions.at(-2)).toBe('catch_up 2026-01-05T12:29:00.000Z');
    expect(result.actions.at(-1)).toBe('run 2026-01-05T12:30:00.000Z');
    expect(result.lastOccurrence).toBe('2026-01-05T12:30:00.000Z');
  });

  it('a day-long gap on a 10-second schedule is summarised with an exact count', () => {
    const result = plan({
      cron: parseCron('*/10 * * * * *', 'UTC'),
      lastOccurrence: at('2026-01-05T00:00:00Z'),
      now: at('2026-01-06T00:00:00Z'),
    });
    const perDay = (24 * 3600) / 10;
    expect(result.actions[0]).toBe(
      `skip_summary 2026-01-05T00:00:10.000Z..2026-01-05T23:43:20.000Z =${perDay - MAX_PLANNED_OCCURRENCES} misfire`,
    );
    expect(result.actions.filter((a) => a.startsWith('catch_up'))).toEqual(['catch_up 2026-01-05T23:58:50.000Z']);
    expect(result.actions.filter((a) => a.startsWith('run'))).toEqual([
      'run 2026-01-05T23:59:00.000Z',
      'run 2026-01-05T23:59:10.000Z',
      'run 2026-01-05T23:59:20.000Z',
      'run 2026-01-05T23:59:30.000Z',
      'run 2026-01-05T23:59:40.000Z',
      'run 2026-01-05T23:59:50.000Z',
      'run 2026-01-06T00:00:00.000Z',
    ]);
  });

  describe('a 40-day gap on an every-second schedule', () => {
    const start = at('2026-01-01T00:00:00Z');
    const now = start + 40 * 86_400_000;
    const total = 40 * 86_400;
    const input: PlanInput = {
      cron: parseCron('* * * * * *', 'UTC'),
      lastOccurrence: start,
      since: start,
      now,
      misfire: 'fire_once',
      misfireThresholdMs: 60_000,
      paused: false,
    };

    it('plans a bounded number of actions: one catch-up, the last minute on time, a summary for the rest', () => {
      const { actions, lastOccurrence, nextDue } = planOccurrences(input);
      expect(actions.length).toBeLessThanOrEqual(102);
      expect(actions.filter((a) => a.kind === 'catch_up')).toEqual([{ kind: 'catch_up', occurrence: now - 61_000 }]);
      expect(actions.filter((a) => a.kind === 'run')).toHaveLength(61);
      const skips = actions.filter((a) => a.kind === 'skip');
      expect(skips).toHaveLength(MAX_PLANNED_OCCURRENCES - 62);
      expect(skips.every((a) => a.kind === 'skip' && a.reason === 'misfire')).toBe(true);
      expect(lastOccurrence).toBe(now);
      expect(nextDue).toBe(now + 1000);
    });

    it('summarises the older occurrences with their range and a flagged lower-bound count', () => {
      const [summary] = planOccurrences(input).actions;
      const summarised = total - MAX_PLANNED_OCCURRENCES;
      expect(summary).toMatchObject({
        kind: 'skip_summary',
        from: start + 1000,
        to: now - MAX_PLANNED_OCCURRENCES * 1000,
        countIsLowerBound: true,
        reason: 'misfire',
      });
      const count = summary?.kind === 'skip_summary' ? summary.count : 0;
      expect(count).toBeGreaterThanOrEqual(SUMMARY_COUNT_BUDGET);
      expect(count).toBeLessThanOrEqual(summarised);
    });

    it('while paused, records the most recent 100 as paused and summarises the rest as paused', () => {
      const { actions, lastOccurrence } = planOccurrences({ ...input, paused: true });
      expect(actions).toHaveLength(1 + MAX_PLANNED_OCCURRENCES);
      expect(actions[0]).toMatchObject({ kind: 'skip_summary', reason: 'paused', countIsLowerBound: true });
      expect(actions.slice(1).every((a) => a.kind === 'skip' && a.reason === 'paused')).toBe(true);
      expect(lastOccurrence).toBe(now);
    });
  });

  it.each([
    ['now', { now: Number.NaN }, /`now` to be a finite number of milliseconds, got `NaN` \(number\)/],
    ['lastOccurrence', { lastOccurrence: Number.POSITIVE_INFINITY }, /`lastOccurrence`.*`Infinity`/],
    ['misfireThresholdMs', { misfireThresholdMs: -1 }, /`misfireThresholdMs` to be zero or more, got `-1` \(number\)/],
  ])('rejects a bad `%s` with a message naming it', (_name, input, message) => {
    expect(() => plan(input)).toThrow(message);
  });

  it.each([
    ['nothing due yet', { now: at('2026-01-05T10:05:00Z') }],
    ['one occurrence due on time', {}],
    ['one occurrence missed (fire_once)', { now: at('2026-01-05T10:18:00Z') }],
    ['several missed (fire_all)', { now: at('2026-01-05T11:03:00Z'), misfire: 'fire_all' as const }],
    ['paused', { paused: true }],
  ])('given the next two occurrences ahead of time, plans exactly as croner would (%s)', (_name, input) => {
    const marker = at('2026-01-05T10:00:00Z');
    const first = every10Minutes.next(marker);
    const known = { first, second: first === null ? null : every10Minutes.next(first) };
    expect(plan({ ...input, known })).toEqual(plan(input));
  });
});
