import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { convertParameter, dateTimeText, typeParameters } from '../../src-main/engine/runners/sql-types.ts';
import type { SqlJobParameter } from '../../src-main/engine/types.ts';

const convert = (parameter: Partial<SqlJobParameter> & Pick<SqlJobParameter, 'type'>, text: string | null) =>
  convertParameter({ name: 'P', ...parameter }, text);

describe('SQL parameter conversion: accepted values', () => {
  it.each([
    [{ type: 'int' }, '42', 42],
    [{ type: 'int' }, '-2147483648', -2147483648],
    [{ type: 'int' }, '+7', 7],
    [{ type: 'bigint' }, '9223372036854775807', 9223372036854775807n],
    [{ type: 'bit' }, 'TRUE', true],
    [{ type: 'bit' }, '0', false],
    [{ type: 'string' }, '', ''],
    [{ type: 'nvarchar', length: 5 }, 'héllo', 'héllo'],
    [{ type: 'varchar', length: -1 }, 'x'.repeat(9000), 'x'.repeat(9000)],
    [{ type: 'uniqueidentifier' }, '{6F9619FF-8B86-D011-B42D-00C04FC964FF}', '6f9619ff-8b86-d011-b42d-00c04fc964ff'],
  ] as const)('%o accepts `%s`', (parameter, text, expected) => {
    expect(convert(parameter, text).value).toEqual(expected);
  });

  it('a decimal stays exact text and gets the precision and scale that hold it', () => {
    expect(convert({ type: 'decimal' }, '12.50')).toMatchObject({ value: '12.5', precision: 18, scale: 1 });
    expect(convert({ type: 'decimal' }, '-0.001')).toMatchObject({ value: '-0.001', scale: 3 });
    expect(convert({ type: 'decimal', precision: 10, scale: 2 }, '12345678.90')).toMatchObject({ value: '12345678.9', precision: 10, scale: 2 });
    expect(convert({ type: 'decimal' }, '123456789012345678901234567890')).toMatchObject({ precision: 30, scale: 0 });
  });

  it('a date and time keeps its wall clock and drops a written offset', () => {
    const value = convert({ type: 'datetime2' }, '2025-01-31T02:30:00.1234567+01:00').value;
    expect(value).toEqual({ kind: 'datetime', year: 2025, month: 1, day: 31, hour: 2, minute: 30, second: 0, fraction: '1234567' });
    expect(dateTimeText(value as never)).toBe('2025-01-31 02:30:00.1234567');
    expect(convert({ type: 'datetime' }, '2025-01-31').value).toMatchObject({ hour: 0, minute: 0, fraction: '' });
  });

  it('a date is a calendar date, leap days included', () => {
    expect(convert({ type: 'date' }, '2024-02-29').value).toEqual({ kind: 'date', year: 2024, month: 2, day: 29 });
  });

  it('null is SQL NULL for every type, and an output parameter sends no value', () => {
    expect(convert({ type: 'int' }, null).value).toBeNull();
    const [output] = typeParameters([{ name: 'RowCount', type: 'int', direction: 'output', value: 'ignored' }], {});
    expect(output).toMatchObject({ direction: 'output', value: null });
  });
});

describe('SQL parameter conversion: strict refusals name the parameter, type and value', () => {
  it.each([
    [{ type: 'int' }, 'abc', "Parameter 'P' (int): `abc` is not an integer"],
    [{ type: 'int' }, '12.0', "Parameter 'P' (int): `12.0` is not an integer"],
    [{ type: 'int' }, '2147483648', "Parameter 'P' (int): `2147483648` is outside the int range -2147483648 to 2147483647"],
    [{ type: 'bigint' }, '9223372036854775808', 'is outside the bigint range'],
    [{ type: 'decimal' }, '1e5', 'is not a decimal number such as 12.50'],
    [{ type: 'decimal', precision: 5, scale: 2 }, '123.456', 'has more than 2 decimal places for decimal(5, 2)'],
    [{ type: 'decimal', precision: 5, scale: 2 }, '1234.5', 'has more than 3 digits before the point for decimal(5, 2)'],
    [{ type: 'bit' }, 'yes', 'is not 0, 1, true or false'],
    [{ type: 'nvarchar', length: 3 }, 'abcd', "Parameter 'P' (nvarchar(3)): `abcd` is 4 characters long, more than 3"],
    [{ type: 'datetime' }, '2025-02-30T10:00:00', 'is not a date and time'],
    [{ type: 'datetime' }, '31/01/2025', 'is not a date and time'],
    [{ type: 'datetime' }, '1700-01-01T00:00:00', 'is before 1753-01-01, the first datetime; use datetime2'],
    [{ type: 'date' }, '2025-01-31T10:00:00', 'is not a date such as 2025-01-31'],
    [{ type: 'date' }, '2023-02-29', 'is not a date such as 2025-01-31'],
    [{ type: 'uniqueidentifier' }, '6f9619ff-8b86-d011-b42d', 'is not a GUID'],
    [{ type: 'uniqueidentifier' }, '{6f9619ff-8b86-d011-b42d-00c04fc964ff', 'is not a GUID'],
  ] as const)('%o refuses `%s`', (parameter, text, message) => {
    expect(() => convert(parameter, text)).toThrow(NonRetryableError);
    expect(() => convert(parameter, text)).toThrow(message);
  });
});

describe('SQL parameter values from the run', () => {
  it('placeholders are substituted before the value is converted', () => {
    const [days, asOf] = typeParameters(
      [
        { name: 'Days', type: 'int', value: '{RetentionDays}' },
        { name: 'AsOf', type: 'datetime', value: '{ScheduledTime}' },
      ],
      { RetentionDays: '30', ScheduledTime: { kind: 'date', epochMs: Date.UTC(2025, 0, 31, 1, 30), timezone: 'Europe/Paris', defaultFormat: 'o' } },
    );
    expect(days?.value).toBe(30);
    expect(asOf?.value).toMatchObject({ year: 2025, month: 1, day: 31, hour: 2, minute: 30 });
  });

  it('a value that is only a placeholder whose value is null stays SQL NULL', () => {
    const [parameter] = typeParameters([{ name: 'Batch', type: 'int', value: '{Batch}' }], { Batch: null });
    expect(parameter?.value).toBeNull();
  });

  it('a substituted value that is not an int fails naming the parameter', () => {
    expect(() => typeParameters([{ name: 'Days', type: 'int', value: '{RetentionDays}' }], { RetentionDays: 'abc' })).toThrow(
      "Parameter 'Days' (int): `abc` is not an integer",
    );
  });

  it('an unknown placeholder fails naming the parameter', () => {
    expect(() => typeParameters([{ name: 'Days', type: 'int', value: '{Nope}' }], {})).toThrow("Unknown placeholder {Nope} in parameters[0] 'Days'");
  });
});
