import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src-main/engine/clock.ts';
import type { MisfirePolicy } from '../../src-main/engine/types.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { iso, startSimulatedEngine, type Recorded } from './simulated-engine.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** ISO instants every `stepMinutes` from `from` to `to`, inclusive. */
function every(stepMinutes: number, from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMinutes * MINUTE) out.push(iso(t));
  return out;
}

const ran = (occurrence: string): Recorded => ({ kind: 'run', occurrence, at: occurrence });

describe('clock set back', () => {
  it('an hour back right after a run repeats nothing, and the next occurrence runs at its time', () => {
    const clock = createFakeClock(Date.parse('2026-01-05T09:55:00Z'));
    const engine = startSimulatedEngine(clock, { expression: '*/10 * * * *', timezone: 'UTC' });
    clock.advance(5 * MINUTE);
    expect(engine.records).toEqual([ran('2026-01-05T10:00:00.000Z')]);

    clock.jumpWall(-HOUR);
    clock.advance(HOUR + 10 * MINUTE);
    expect(clock.now()).toBe(Date.parse('2026-01-05T10:10:00Z'));
    expect(engine.records).toEqual([ran('2026-01-05T10:00:00.000Z'), ran('2026-01-05T10:10:00.000Z')]);
  });

  it('an early wake (wall clock behind the occurrence when the timer fires) runs nothing until the wall clock gets there', () => {
    const clock = createFakeClock(Date.parse('2026-01-05T10:00:30Z'));
    const engine = startSimulatedEngine(clock, { expression: '*/10 * * * *', timezone: 'UTC' });
    clock.advance(9 * MINUTE);
    expect(clock.pendingTimers()).toEqual([{ dueInMs: 30_000, requestedMs: 30_000 }]);
    clock.jumpWall(-5 * MINUTE);
    clock.advance(30_000);
    expect(clock.now()).toBe(Date.parse('2026-01-05T10:05:00Z'));
    expect(engine.records).toEqual([]);
    expect(clock.pendingTimers()).toHaveLength(1);

    clock.advance(5 * MINUTE);
    expect(engine.records).toEqual([ran('2026-01-05T10:10:00.000Z')]);
  });
});

describe('a two-hour suspend of an every-10-minute job', () => {
  function suspendTwoHours(misfire: MisfirePolicy): Recorded[] {
    const clock = createFakeClock(Date.parse('2026-01-05T09:55:00Z'));
    const engine = startSimulatedEngine(clock, { expression: '*/10 * * * *', timezone: 'UTC', misfire });
    clock.advance(10 * MINUTE);
    clock.suspend(2 * HOUR);
    clock.advance(5 * MINUTE);
    expect(clock.now()).toBe(Date.parse('2026-01-05T12:10:00Z'));
    return engine.records;
  }
  const wokeAt = '2026-01-05T12:06:00.000Z';
  const missed = every(10, '2026-01-05T10:10:00Z', '2026-01-05T12:00:00Z');

  it('fire_once: one catch-up for the latest missed occurrence, a skipped row for each other one', () => {
    expect(suspendTwoHours('fire_once')).toEqual([
      ran('2026-01-05T10:00:00.000Z'),
      ...missed.slice(0, -1).map((occurrence) => ({ kind: 'skip', occurrence, reason: 'misfire', at: wokeAt })),
      { kind: 'catch_up', occurrence: '2026-01-05T12:00:00.000Z', at: wokeAt },
      ran('2026-01-05T12:10:00.000Z'),
    ]);
  });

  it('skip: no catch-up, a skipped row for every missed occurrence', () => {
    expect(suspendTwoHours('skip')).toEqual([
      ran('2026-01-05T10:00:00.000Z'),
      ...missed.map((occurrence) => ({ kind: 'skip', occurrence, reason: 'misfire', at: wokeAt })),
      ran('2026-01-05T12:10:00.000Z'),
    ]);
  });

  it('fire_all: every missed occurrence runs as a catch-up', () => {
    expect(suspendTwoHours('fire_all')).toEqual([
      ran('2026-01-05T10:00:00.000Z'),
      ...missed.map((occurrence) => ({ kind: 'catch_up', occurrence, at: wokeAt })),
      ran('2026-01-05T12:10:00.000Z'),
    ]);
  });
});

describe('schedules a year apart', () => {
  it.each([
    { expression: '@yearly', timezone: 'Europe/London', start: '2026-01-01T00:00:30Z', expected: '2027-01-01T00:00:00.000Z', local: '2027-01-01 00:00:00' },
    { expression: '0 0 12 29 2 *', timezone: 'Asia/Tokyo', start: '2027-03-01T00:00:00Z', expected: '2028-02-29T03:00:00.000Z', local: '2028-02-29 12:00:00' },
  ])('$expression ($timezone) fires on its instant after a year of 60-s timers', ({ expression, timezone, start, expected, local }) => {
    expect(new Date(expected).toLocaleString('sv-SE', { timeZone: timezone })).toBe(local);
    const clock = createFakeClock(Date.parse(start));
    const engine = startSimulatedEngine(clock, { expression, timezone });
    for (let step = 0; step < 13; step += 1) clock.advance(30 * DAY);
    expect(engine.records).toEqual([ran(expected)]);
    expect(clock.requestedDelays.length).toBeGreaterThan(365 * 24 * 60 - 1);
    expect(clock.requestedDelays.every((ms) => ms >= 0 && ms <= MAX_TIMER_MS)).toBe(true);
  });
});

describe('a 40-day sleep on an every-second schedule', () => {
  it('wakes to one catch-up, the last minute on time, a summary for the rest, then runs each second again', () => {
    const clock = createFakeClock(Date.parse('2026-01-05T10:00:00Z'));
    const engine = startSimulatedEngine(clock, { expression: '* * * * * *', timezone: 'UTC' });
    clock.advance(1_000);
    clock.suspend(40 * DAY);
    clock.advance(1_000);
    const wokeAt = iso(Date.parse('2026-01-05T10:00:02Z') + 40 * DAY);
    const wake = engine.records.filter((r) => r.at === wokeAt);
    expect(wake.length).toBeLessThanOrEqual(102);
    expect(wake.filter((r) => r.kind === 'catch_up')).toHaveLength(1);
    expect(wake.filter((r) => r.kind === 'run')).toHaveLength(61);
    expect(wake.filter((r) => r.kind === 'skip_summary')).toEqual([
      expect.objectContaining({ from: '2026-01-05T10:00:02.000Z', countIsLowerBound: true, reason: 'misfire' }),
    ]);
    const before = engine.records.length;
    clock.advance(3_000);
    expect(engine.records.slice(before).map((r) => r.kind)).toEqual(['run', 'run', 'run']);
  });
});

describe('a paused schedule', () => {
  it('records each occurrence as skipped (paused) at its time, and after unpausing catches none of them up', () => {
    const clock = createFakeClock(Date.parse('2026-01-05T09:55:00Z'));
    const engine = startSimulatedEngine(clock, { expression: '*/10 * * * *', timezone: 'UTC', paused: true });
    clock.advance(40 * MINUTE);
    const paused = every(10, '2026-01-05T10:00:00Z', '2026-01-05T10:30:00Z');
    expect(engine.records).toEqual(paused.map((occurrence) => ({ kind: 'skip', occurrence, reason: 'paused', at: occurrence })));
    expect(engine.lastOccurrence()).toBe(Date.parse('2026-01-05T10:30:00Z'));

    engine.setPaused(false);
    clock.advance(15 * MINUTE);
    expect(engine.records.slice(paused.length)).toEqual([ran('2026-01-05T10:40:00.000Z'), ran('2026-01-05T10:50:00.000Z')]);
  });
});
