/**
 * Static parameter values are strings in the file; a literal that cannot be converted to its
 * declared type would only fail at run time, hours later, so it is caught at validation.
 * Values holding a `{Name}` placeholder are resolved at run time and are not checked here.
 */
import type { ParameterType } from '../types.ts';

/** Every parameter type, in the order the docs list them. */
export const PARAMETER_TYPES = [
  'int',
  'bigint',
  'decimal',
  'bit',
  'string',
  'nvarchar',
  'varchar',
  'datetime',
  'datetime2',
  'date',
  'uniqueidentifier',
] as const satisfies readonly ParameterType[];

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const BIT = /^(?:0|1|true|false)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const GUID = /^(?:\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const INT_RANGE: Partial<Record<ParameterType, [bigint, bigint]>> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** What a literal of `type` must look like, for messages. */
export const LITERAL_FORMS: Record<ParameterType, string> = {
  int: 'an integer from -2147483648 to 2147483647',
  bigint: 'an integer from -9223372036854775808 to 9223372036854775807',
  decimal: 'a decimal number such as 12.50',
  bit: '0, 1, true or false',
  string: 'a string',
  nvarchar: 'a string',
  varchar: 'a string',
  datetime: 'a date and time such as 2025-01-31T14:30:00',
  datetime2: 'a date and time such as 2025-01-31T14:30:00.1234567',
  date: 'a date such as 2025-01-31',
  uniqueidentifier: 'a GUID such as 6f9619ff-8b86-d011-b42d-00c04fc964ff',
};

/** True when `value` is a valid literal of `type`. */
export function isValidLiteral(type: ParameterType, value: string): boolean {
  switch (type) {
    case 'int':
    case 'bigint': {
      if (!INTEGER.test(value)) return false;
      const [min, max] = INT_RANGE[type] ?? [0n, 0n];
      const parsed = BigInt(value);
      return parsed >= min && parsed <= max;
    }
    case 'decimal':
      return DECIMAL.test(value);
    case 'bit':
      return BIT.test(value);
    case 'date':
      return isRealDate(DATE.exec(value));
    case 'datetime':
    case 'datetime2':
      return isRealDate(DATE_TIME.exec(value));
    case 'uniqueidentifier':
      return GUID.test(value);
    default:
      return true;
  }
}

function isRealDate(match: RegExpExecArray | null): boolean {
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  if (month === undefined || month < 1 || month > 12 || day === undefined || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year ?? 0, month, 0)).getUTCDate();
  return day <= daysInMonth && (hour ?? 0) < 24 && (minute ?? 0) < 60 && (second ?? 0) < 60;
}
