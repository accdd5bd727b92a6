/**
 * SQL job parameters, from the schedule file's text to typed values. Both drivers (mssql for SQL
 * Server, pg for PostgreSQL) take what this module produces, so a value is judged the same way
 * whatever the server: strictly, before anything is sent. "abc" for an int, 2147483648 for an
 * int, 123.456 for a decimal(5, 2) or a 60-character string for an nvarchar(50) fail the run
 * naming the parameter, where a server would convert, round or silently truncate.
 */
import { NonRetryableError } from '../errors.ts';
import { substitute, type TemplateValues } from '../params/template.ts';
import type { ParameterType, SqlDirection, SqlJobParameter } from '../types.ts';

/**
 * A date and time without a zone, as written. `datetime`/`datetime2` hold no zone, so a value
 * such as `{ScheduledTime}` (rendered with its offset, in the schedule's zone) keeps its wall
 * clock: 2025-01-31T02:30:00+01:00 is sent as 02:30. The offset only has to be well formed.
 */
export interface LocalDateTime {
  kind: 'datetime';
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction-of-second digits as written (0 to 7 of them). */
  fraction: string;
}

/** A calendar date (no time, no zone). */
export interface LocalDate {
  kind: 'date';
  year: number;
  month: number;
  day: number;
}

/**
 * A parameter value ready for a driver: int → number, bigint → bigint, decimal → canonical
 * text (never a float), bit → boolean, strings and uniqueidentifier → string.
 */
export type SqlValue = null | number | bigint | boolean | string | LocalDateTime | LocalDate;

/** One parameter after substitution and conversion, with its effective sizes. */
export interface TypedParameter {
  name: string;
  type: ParameterType;
  direction: SqlDirection;
  /** Null for SQL NULL and for pure output parameters. */
  value: SqlValue;
  /** For strings: the declared length, -1 for MAX, undefined to let the driver decide. */
  length?: number;
  /** For decimals: declared, or the smallest that holds the value. */
  precision?: number;
  scale?: number;
}

const INT_RANGES: Record<'int' | 'bigint', [bigint, bigint]> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const SINGLE_PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
/** SQL Server's `datetime` starts in 1753; `datetime2` and PostgreSQL go back to year 1. */
const DATETIME_MIN_YEAR = 1753;
/** Precision SQL Server and PostgreSQL give a decimal declared without one. */
const DEFAULT_DECIMAL_PRECISION = 18;

/**
 * Substitutes the run's values into each parameter's value and converts it by type. A value
 * that is exactly one placeholder whose value is null (a query parameter that returned NULL)
 * stays SQL NULL instead of becoming an empty string.
 */
export function typeParameters(parameters: readonly SqlJobParameter[], values: TemplateValues): TypedParameter[] {
  return parameters.map((parameter, index) => {
    const direction = parameter.direction ?? 'input';
    const raw = direction === 'output' ? null : parameter.value ?? null;
    let text: string | null = null;
    if (raw !== null) {
      const only = SINGLE_PLACEHOLDER.exec(raw)?.[1];
      text = only !== undefined && Object.hasOwn(values, only) && values[only] === null
        ? null
        : substitute(raw, values, { field: `parameters[${index}] '${parameter.name}'` });
    }
    return convertParameter(parameter, text);
  });
}

/** Converts one parameter's text (already substituted) to its typed value; null is SQL NULL. */
export function convertParameter(parameter: SqlJobParameter, text: string | null): TypedParameter {
  const typed: TypedParameter = {
    name: parameter.name,
    type: parameter.type,
    direction: parameter.direction ?? 'input',
    value: null,
  };
  if (parameter.length !== undefined) typed.length = parameter.length;
  if (parameter.type === 'decimal') {
    typed.precision = parameter.precision;
    typed.scale = parameter.scale;
  }
  if (text === null) return typed;
  const fail = (why: string): never => {
    throw new NonRetryableError(`Parameter '${parameter.name}' (${describeType(parameter)}): \`${text}\` ${why}`);
  };
  switch (parameter.type) {
    case 'int':
    case 'bigint': {
      if (!INTEGER.test(text)) fail('is not an integer');
      const [min, max] = INT_RANGES[parameter.type];
      const parsed = BigInt(text);
      if (parsed < min || parsed > max) fail(`is outside the ${parameter.type} range ${min} to ${max}`);
      typed.value = parameter.type === 'int' ? Number(parsed) : parsed;
      break;
    }
    case 'decimal':
      Object.assign(typed, convertDecimal(text, parameter, fail));
      break;
    case 'bit': {
      const lower = text.toLowerCase();
      if (!['0', '1', 'true', 'false'].includes(lower)) fail('is not 0, 1, true or false');
      typed.value = lower === '1' || lower === 'true';
      break;
    }
    case 'string':
    case 'nvarchar':
    case 'varchar': {
      const length = parameter.length;
      const characters = [...text].length;
      if (length !== undefined && length > 0 && characters > length) fail(`is ${characters} characters long, more than ${length}`);
      typed.value = text;
      break;
    }
    case 'datetime':
    case 'datetime2': {
      const value = parseDateTime(text);
      if (!value) fail('is not a date and time such as 2025-01-31T14:30:00');
      if (parameter.type === 'datetime' && value!.year < DATETIME_MIN_YEAR) {
        fail('is before 1753-01-01, the first datetime; use datetime2');
      }
      typed.value = value!;
      break;
    }
    case 'date': {
      const match = DATE.exec(text);
      const [year, month, day] = (match?.slice(1) ?? []).map(Number);
      if (!match || !isRealDate(year!, month!, day!) || year === 0) fail('is not a date such as 2025-01-31');
      typed.value = { kind: 'date', year: year!, month: month!, day: day! };
      break;
    }
    case 'uniqueidentifier': {
      const match = GUID.exec(text);
      if (!match || (text.startsWith('{') !== text.endsWith('}'))) fail('is not a GUID such as 6f9619ff-8b86-d011-b42d-00c04fc964ff');
      typed.value = match![1]!.toLowerCase();
      break;
    }
  }
  return typed;
}

/** "int", "decimal(10, 2)", "nvarchar(50)", "varchar(max)": the type as a message shows it. */
export function describeType(parameter: Pick<SqlJobParameter, 'type' | 'length' | 'precision' | 'scale'>): string {
  if (parameter.type === 'decimal' && parameter.precision !== undefined) {
    return `decimal(${parameter.precision}, ${parameter.scale ?? 0})`;
  }
  if (parameter.length !== undefined) return `${parameter.type}(${parameter.length === -1 ? 'max' : parameter.length})`;
  return parameter.type;
}

/** `YYYY-MM-DD HH:MM:SS[.fffffff]`: the wall clock as both servers read it. */
export function dateTimeText(value: LocalDateTime): string {
  const time = `${pad(value.hour)}:${pad(value.minute)}:${pad(value.second)}${value.fraction ? `.${value.fraction}` : ''}`;
  return `${dateText(value)} ${time}`;
}

/** `YYYY-MM-DD`. */
export function dateText(value: { year: number; month: number; day: number }): string {
  return `${String(value.year).padStart(4, '0')}-${pad(value.month)}-${pad(value.day)}`;
}

function convertDecimal(
  text: string,
  parameter: SqlJobParameter,
  fail: (why: string) => never,
): Pick<TypedParameter, 'value' | 'precision' | 'scale'> {
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) fail('is not a decimal number such as 12.50');
  const sign = match![1] === '-' ? '-' : '';
  const whole = match![2]!.replace(/^0+(?=\d)/, '') || '0';
  const fraction = (match![3] ?? '').replace(/0+$/, '');
  const wholeDigits = whole === '0' ? 0 : whole.length;
  const precision = parameter.precision ?? Math.max(DEFAULT_DECIMAL_PRECISION, wholeDigits + fraction.length);
  const scale = parameter.scale ?? (parameter.precision === undefined ? fraction.length : 0);
  if (precision > 38) fail('has more than 38 digits');
  if (scale > precision) fail(`has a scale ${scale} larger than its precision ${precision}`);
  if (fraction.length > scale) fail(`has more than ${scale} decimal places for decimal(${precision}, ${scale})`);
  if (wholeDigits > precision - scale) fail(`has more than ${precision - scale} digits before the point for decimal(${precision}, ${scale})`);
  const canonical = `${whole}${fraction ? `.${fraction}` : ''}`;
  return { value: canonical === '0' ? '0' : `${sign}${canonical}`, precision, scale };
}

function parseDateTime(text: string): LocalDateTime | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  if (!isRealDate(year!, month!, day!) || year === 0 || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  return { kind: 'datetime', year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!, fraction: match[7] ?? '' };
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const probe = new Date(0);
  probe.setUTCFullYear(year, month, 0);
  return day <= probe.getUTCDate();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
