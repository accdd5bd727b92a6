/**
 * Dates substituted into jobs ({CurrentDate:yyyyMMdd} and friends), rendered in the schedule's
 * zone. formatDate keeps the last second's wall-clock parts per zone (runs starting together ask
 * for the same second); these check that the milliseconds, the zone and the offset still follow
 * each call.
 */
import { describe, expect, it } from 'vitest';
import { formatDate, zonedInstant } from '../../src-main/engine/params/format-date.ts';

const at = (iso: string) => Date.parse(iso);

describe('formatDate', () => {
  it('renders .NET-style patterns and ISO with the zone offset', () => {
    expect(formatDate(at('2026-03-08T06:59:59.250Z'), 'yyyyMMdd HH:mm:ss.fff', 'America/New_York')).toBe('20260308 01:59:59.250');
    expect(formatDate(at('2026-03-08T06:59:59.250Z'), 'o', 'America/New_York')).toBe('2026-03-08T01:59:59.250-05:00');
    expect(formatDate(at('2026-03-08T07:00:00Z'), 'o', 'America/New_York')).toBe('2026-03-08T03:00:00.000-04:00');
    expect(formatDate(at('2026-07-01T12:00:00Z'), "h:mm tt 'on' dd/MM/yy", 'Europe/London')).toBe('1:00 PM on 01/07/26');
  });

  it('within one second, each call keeps its own milliseconds and zone', () => {
    const second = at('2026-10-25T00:30:00Z');
    expect(formatDate(second + 5, 'o', 'Europe/London')).toBe('2026-10-25T01:30:00.005+01:00');
    expect(formatDate(second + 999, 'o', 'Europe/London')).toBe('2026-10-25T01:30:00.999+01:00');
    expect(formatDate(second + 7, 'o', 'Asia/Kolkata')).toBe('2026-10-25T06:00:00.007+05:30');
    expect(formatDate(second + 8, 'o', 'Europe/London')).toBe('2026-10-25T01:30:00.008+01:00');
    expect(formatDate(second + 1000, 'o', 'Europe/London')).toBe('2026-10-25T01:30:01.000+01:00');
  });

  it('follows a DST change between consecutive seconds', () => {
    expect(formatDate(at('2026-10-25T00:59:59.500Z'), 'o', 'Europe/London')).toBe('2026-10-25T01:59:59.500+01:00');
    expect(formatDate(at('2026-10-25T01:00:00.500Z'), 'o', 'Europe/London')).toBe('2026-10-25T01:00:00.500+00:00');
  });

  it('renders instants before 1970 with the right milliseconds', () => {
    expect(formatDate(at('1969-12-31T23:59:59.250Z'), 'yyyy-MM-dd HH:mm:ss.fff', 'UTC')).toBe('1969-12-31 23:59:59.250');
  });
});

describe('zonedInstant', () => {
  const inNewYork = (wall: string) => new Date(zonedInstant(at(`${wall}Z`), 'America/New_York')).toISOString();

  it('places a wall-clock time in the zone, winter and summer', () => {
    expect(inNewYork('2026-01-31T10:00:00')).toBe('2026-01-31T15:00:00.000Z');
    expect(inNewYork('2026-07-01T00:00:00')).toBe('2026-07-01T04:00:00.000Z');
  });

  it('takes the first of a time shown twice, and reads one the clock skips with the summer offset', () => {
    expect(inNewYork('2026-11-01T01:30:00')).toBe('2026-11-01T05:30:00.000Z');
    expect(inNewYork('2026-03-08T02:30:00')).toBe('2026-03-08T06:30:00.000Z');
  });
});
