/**
 * Placeholders filled from text values: a value given as text (a "run now" override, a query's
 * answer, a static parameter) takes a date format only when it is an ISO-8601 date, and keeps
 * the fields it was written with whatever zone the host is in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { substitute } from '../../src-main/engine/params/template.ts';

const hostZone = process.env.TZ;
afterEach(() => {
  if (hostZone === undefined) delete process.env.TZ;
  else process.env.TZ = hostZone;
});

const fill = (value: string, format: string) => substitute(`{Day:${format}}`, { Day: value }, { field: 'arguments[0]' });

describe('a text value with a date format', () => {
  it('keeps the date and time written without an offset on a host far from UTC', () => {
    process.env.TZ = 'America/Chicago';
    expect(fill('2026-01-31T23:00', 'yyyyMMdd HH:mm')).toBe('20260131 23:00');
    expect(fill('2026-01-31', 'yyyyMMdd')).toBe('20260131');
    process.env.TZ = 'Asia/Tokyo';
    expect(fill('2026-01-31 23:00:00', 'yyyyMMdd HH:mm')).toBe('20260131 23:00');
  });

  it('without a schedule zone among the values, reads an offset as written and shows the instant in UTC', () => {
    expect(fill('2026-01-31T23:00:00-06:00', 'yyyy-MM-dd HH:mm')).toBe('2026-02-01 05:00');
  });

  it('takes an offset of hours only, as PostgreSQL writes a timestamptz as text', () => {
    expect(fill('2026-01-31 14:30:00.123+00', 'yyyyMMdd HH:mm')).toBe('20260131 14:30');
    expect(fill('2026-01-31 23:30:00-06', 'yyyyMMdd HH:mm')).toBe('20260201 05:30');
    expect(fill('2026-01-31', 'yyyyMMdd')).toBe('20260131');
  });

  it('is refused when it is no ISO-8601 date, naming the placeholder and the field', () => {
    for (const loose of ['5', 'Jan 31', '2026-02-30', '31/01/2026']) {
      expect(() => fill(loose, 'yyyyMMdd')).toThrow('Placeholder {Day:yyyyMMdd} in arguments[0]: the value is not an ISO-8601 date such as 2026-01-31 or 2026-01-31T14:30:00, so it cannot take a format');
    }
  });
});
