/**
 * .NET-style date formats (`yyyyMMdd`, `yyyy-MM-dd HH:mm:ss`, `o`), as the original platform's
 * users wrote them in their arguments, rendered in a given IANA time zone; and ISO-8601 text read
 * back, its wall-clock time placed in a zone.
 */
import { isValidLiteral } from '../config/literal-values.ts';

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number;
}

const TOKEN = /yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|fff|tt|zzz|'[^']*'|./g;

/** Formats `epochMs` in `timezone` with a .NET-style pattern; `o` gives ISO-8601 with offset. */
export function formatDate(epochMs: number, pattern: string, timezone: string): string {
  const p = partsIn(epochMs, timezone);
  if (pattern === 'o' || pattern === 'O') return formatDate(epochMs, "yyyy-MM-dd'T'HH:mm:ss.fffzzz", timezone);
  return pattern.replace(TOKEN, (token) => {
    switch (token) {
      case 'yyyy': return String(p.year).padStart(4, '0');
      case 'yy': return String(p.year % 100).padStart(2, '0');
      case 'MM': return pad(p.month);
      case 'M': return String(p.month);
      case 'dd': return pad(p.day);
      case 'd': return String(p.day);
      case 'HH': return pad(p.hour);
      case 'H': return String(p.hour);
      case 'hh': return pad(p.hour % 12 || 12);
      case 'h': return String(p.hour % 12 || 12);
      case 'mm': return pad(p.minute);
      case 'm': return String(p.minute);
      case 'ss': return pad(p.second);
      case 's': return String(p.second);
      case 'fff': return String(p.millisecond).padStart(3, '0');
      case 'tt': return p.hour < 12 ? 'AM' : 'PM';
      case 'zzz': return offset(p.offsetMinutes);
      default: return token.startsWith("'") ? token.slice(1, -1) : token;
    }
  });
}

/**
 * An ISO-8601 date or date-time, nothing looser (`5` or `Jan 31` are no dates). With an offset
 * (`Z`, `+01:00`, or hours only as PostgreSQL writes a timestamptz as text, `+00`) `at` is the
 * instant it names; without one (`local`), `at` holds its fields as if they were UTC, for the
 * caller to show as written or to place in a zone (zonedInstant).
 */
export function readIsoDate(written: string): { at: number; local: boolean } | undefined {
  const text = written.replace(/(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2})$/, '$1:00');
  if (!isValidLiteral('datetime2', text)) return undefined;
  const hasTime = /[T ]/.test(text);
  const local = !hasTime || !/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const at = Date.parse(local && hasTime ? `${text}Z` : text);
  return Number.isNaN(at) ? undefined : { at, local };
}

/**
 * The instant at which the wall clock in `timezone` shows the fields of `wallAsUtc` (read as if
 * UTC). Of a time shown twice (the autumn hour), the first; a time the clock skips is read with
 * the summer offset (02:30 in New York's spring gap is 01:30 standard time).
 */
export function zonedInstant(wallAsUtc: number, timezone: string): number {
  const offsetAt = (epochMs: number) => partsIn(epochMs, timezone).offsetMinutes * 60_000;
  return wallAsUtc - offsetAt(wallAsUtc - offsetAt(wallAsUtc));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * The wall-clock parts of the last whole second asked for, per zone: runs starting together ask
 * for the same second, and formatToParts costs tens of microseconds each time.
 */
const lastSecond = new Map<string, { second: number; parts: Parts }>();

function partsIn(epochMs: number, timezone: string): Parts {
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  const second = epochMs - millisecond;
  const last = lastSecond.get(timezone);
  if (last?.second === second) return { ...last.parts, millisecond };
  const parts = secondPartsIn(second, timezone);
  lastSecond.set(timezone, { second, parts });
  return { ...parts, millisecond };
}

/** The parts of a whole second (millisecond 0) in `timezone`. */
function secondPartsIn(epochMs: number, timezone: string): Parts {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  const parts = formatter.formatToParts(epochMs);
  const value = (type: string) => Number(parts.find((x) => x.type === type)?.value);
  const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return {
    year: value('year'), month: value('month'), day: value('day'),
    hour: value('hour'), minute: value('minute'), second: value('second'),
    millisecond: 0,
    offsetMinutes: Math.round((wall - epochMs) / 60_000),
  };
}
