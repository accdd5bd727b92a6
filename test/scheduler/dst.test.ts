import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { iso, startSimulatedEngine, type SimulatedEngineOptions } from './simulated-engine.ts';

// The expectations are computed from the zone rules with Intl (an oracle independent of croner),
// then also written out as literal instants so a reader can check them.

const MINUTE = 60_000;
const formats = new Map<string, Intl.DateTimeFormat>();

/** Local wall time of `ms` in `zone`, as 'YYYY-MM-DDTHH:mm'. */
function localTime(zone: string, ms: number): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

/** Every minute-aligned instant in [from, to]. */
function minutes(from: string, to: string): number[] {
  const out: number[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += MINUTE) out.push(t);
  return out;
}

/**
 * Vixie's rule for a fixed local time on one day: the instant it names; the first of two when
 * it happens twice; the first instant after the gap when it does not happen at all.
 */
function fixedTimeOccurrence(zone: string, local: string): number {
  const guess = Date.parse(`${local}:00Z`);
  const window = minutes(iso(guess - 26 * 60 * MINUTE), iso(guess + 26 * 60 * MINUTE));
  const exact = window.find((t) => localTime(zone, t) === local);
  if (exact !== undefined) return exact;
  const after = window.find((t) => localTime(zone, t) > local);
  if (after === undefined) throw new Error(`No instant after ${local} in ${zone}`);
  return after;
}

/**
 * Interval jobs keep real-time spacing: every instant in (after, to] whose local minute matches,
 * so twice in a repeated hour.
 */
function intervalOccurrences(zone: string, stepMinutes: number, after: string, to: string): string[] {
  return minutes(after, to)
    .filter((t) => t > Date.parse(after) && Number(localTime(zone, t).slice(-2)) % stepMinutes === 0)
    .map(iso);
}

/** Runs the simulated engine from `start` until `end` (wall time) and returns what ran, and when. */
function simulate(options: SimulatedEngineOptions, start: string, end: string) {
  const clock = createFakeClock(Date.parse(start));
  const engine = startSimulatedEngine(clock, { misfire: 'fire_once', ...options });
  clock.advance(Date.parse(end) - Date.parse(start));
  engine.stop();
  return {
    records: engine.records,
    ran: engine.ranOccurrences(),
    late: engine.records.filter((r) => r.kind !== 'run' || r.at !== r.occurrence),
  };
}

describe('DST spring forward', () => {
  it('New York: a daily 02:30 job runs once on 2026-03-08, at 03:00 EDT, the first instant after the gap', () => {
    const zone = 'America/New_York';
    const expected = ['2026-03-07T02:30', '2026-03-08T02:30', '2026-03-09T02:30'].map((d) => iso(fixedTimeOccurrence(zone, d)));
    expect(expected).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    expect(localTime(zone, Date.parse(expected[1] ?? ''))).toBe('2026-03-08T03:00');

    const { ran, late } = simulate({ expression: '30 2 * * *', timezone: zone }, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z');
    expect(ran).toEqual(expected);
    expect(late).toEqual([]);
  });

  it('London: a daily 01:30 job runs once on 2026-03-29, at 02:00 BST, the first instant after the gap', () => {
    const zone = 'Europe/London';
    const expected = ['2026-03-28T01:30', '2026-03-29T01:30', '2026-03-30T01:30'].map((d) => iso(fixedTimeOccurrence(zone, d)));
    expect(expected).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(localTime(zone, Date.parse(expected[1] ?? ''))).toBe('2026-03-29T02:00');

    const { ran, late } = simulate({ expression: '30 1 * * *', timezone: zone }, '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z');
    expect(ran).toEqual(expected);
    expect(late).toEqual([]);
  });

  it.each([
    {
      zone: 'America/New_York',
      from: '2026-03-08T06:00:00Z',
      to: '2026-03-08T08:00:00Z',
      gapHour: '2026-03-08T02',
      expected: ['06:15', '06:30', '06:45', '07:00', '07:15', '07:30', '07:45', '08:00'],
    },
    {
      zone: 'Europe/London',
      from: '2026-03-29T00:00:00Z',
      to: '2026-03-29T02:00:00Z',
      gapHour: '2026-03-29T01',
      expected: ['00:15', '00:30', '00:45', '01:00', '01:15', '01:30', '01:45', '02:00'],
    },
  ])('$zone: an every-15-minute job has no run in the gap and no duplicate', ({ zone, from, to, gapHour, expected }) => {
    const day = from.slice(0, 11);
    const instants = expected.map((hm) => `${day}${hm}:00.000Z`);
    expect(intervalOccurrences(zone, 15, from, to)).toEqual(instants);

    const { ran, late } = simulate({ expression: '*/15 * * * *', timezone: zone }, from, to);
    expect(ran).toEqual(instants);
    expect(late).toEqual([]);
    expect(new Set(ran).size).toBe(ran.length);
    expect(ran.filter((t) => localTime(zone, Date.parse(t)).startsWith(gapHour))).toEqual([]);
  });
});

describe('DST fall back', () => {
  it.each([
    {
      zone: 'America/New_York',
      days: ['2026-10-31', '2026-11-01', '2026-11-02'],
      expected: ['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
      secondInstance: '2026-11-01T06:30:00.000Z',
    },
    {
      zone: 'Europe/London',
      days: ['2026-10-24', '2026-10-25', '2026-10-26'],
      expected: ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
      secondInstance: '2026-10-25T01:30:00.000Z',
    },
  ])('$zone: a daily 01:30 job runs once, at the first of the two 01:30s', ({ zone, days, expected, secondInstance }) => {
    expect(days.map((d) => iso(fixedTimeOccurrence(zone, `${d}T01:30`)))).toEqual(expected);
    expect(localTime(zone, Date.parse(secondInstance))).toBe(`${days[1]}T01:30`);

    const start = `${days[0]}T00:00:00Z`;
    const { ran, late } = simulate({ expression: '30 1 * * *', timezone: zone }, start, `${days[2]}T12:00:00Z`);
    expect(ran).toEqual(expected);
    expect(ran).not.toContain(secondInstance);
    expect(late).toEqual([]);
  });

  it.each([
    {
      zone: 'America/New_York',
      from: '2026-11-01T04:45:00Z',
      to: '2026-11-01T07:00:00Z',
      expected: ['05:00', '05:30', '06:00', '06:30', '07:00'],
      locals: ['01:00', '01:30', '01:00', '01:30', '02:00'],
    },
    {
      zone: 'Europe/London',
      from: '2026-10-24T23:45:00Z',
      to: '2026-10-25T02:00:00Z',
      expected: ['00:00', '00:30', '01:00', '01:30', '02:00'],
      locals: ['01:00', '01:30', '01:00', '01:30', '02:00'],
    },
  ])('$zone: an every-30-minute job runs on both instances of the repeated hour, never twice at one instant', ({ zone, from, to, expected, locals }) => {
    const day = to.slice(0, 11);
    const instants = expected.map((hm) => `${day}${hm}:00.000Z`);
    expect(intervalOccurrences(zone, 30, from, to)).toEqual(instants);
    expect(instants.map((t) => localTime(zone, Date.parse(t)).slice(11))).toEqual(locals);

    const { ran, late } = simulate({ expression: '*/30 * * * *', timezone: zone }, from, to);
    expect(ran).toEqual(instants);
    expect(late).toEqual([]);
    expect(new Set(ran).size).toBe(ran.length);
  });
});
