import { describe, expect, it } from 'vitest';
import { buildMssqlRequestPlan } from '../../src-main/engine/runners/sql-mssql.ts';
import { procedureParts, quoteMssqlName, quotePostgresName } from '../../src-main/engine/runners/sql-names.ts';
import { buildPostgresPlan } from '../../src-main/engine/runners/sql-postgres.ts';
import { typeParameters } from '../../src-main/engine/runners/sql-types.ts';
import type { SqlJobParameter } from '../../src-main/engine/types.ts';

const typed = (parameters: SqlJobParameter[], values: Record<string, string | null> = {}) => typeParameters(parameters, values);

describe('procedure names are validated and quoted for each server', () => {
  it.each([
    ['usp_Archive', '[usp_Archive]', '"usp_archive"'],
    ['dbo.usp_ArchiveOldRecords', '[dbo].[usp_ArchiveOldRecords]', '"dbo"."usp_archiveoldrecords"'],
    ['Billing.dbo.usp_X', '[Billing].[dbo].[usp_X]', '"billing"."dbo"."usp_x"'],
    ['[my db].[dbo].[usp X]', '[my db].[dbo].[usp X]', '"my db"."dbo"."usp X"'],
    ['[odd]]name]', '[odd]]name]', '"odd]name"'],
    ['"Reports"."Monthly ""Best"""', '[Reports].[Monthly "Best"]', '"Reports"."Monthly ""Best"""'],
    ['public."MixedCase"', '[public].[MixedCase]', '"public"."MixedCase"'],
  ])('%s → %s (SQL Server), %s (PostgreSQL)', (name, mssql, postgres) => {
    const parts = procedureParts(name);
    expect(quoteMssqlName(parts)).toBe(mssql);
    expect(quotePostgresName(parts)).toBe(postgres);
  });

  it.each([
    'dbo.usp; DROP TABLE x',
    "dbo.usp'--",
    'a.b.c.d',
    '[unclosed',
    'dbo..usp',
    'usp_X;1',
    '',
    'x'.repeat(129),
  ])('refuses %j', (name) => {
    expect(() => procedureParts(name)).toThrow(/is not a one- to three-part name/);
  });
});

describe('SQL Server request plan (mssql input/output calls)', () => {
  it('maps every type, sizes included, and marks directions', () => {
    const plan = buildMssqlRequestPlan(
      { procedure: 'dbo.usp_ArchiveOldRecords' },
      typed([
        { name: 'Days', type: 'int', value: '30' },
        { name: 'Big', type: 'bigint', value: '9007199254740993' },
        { name: 'Amount', type: 'decimal', precision: 10, scale: 2, value: '12.5' },
        { name: 'Flag', type: 'bit', value: 'true' },
        { name: 'Note', type: 'nvarchar', length: 50, value: "'; DROP TABLE x; --" },
        { name: 'Plain', type: 'string', value: 'x' },
        { name: 'Code', type: 'varchar', length: -1, value: 'abc' },
        { name: 'Id', type: 'uniqueidentifier', value: '6F9619FF-8B86-D011-B42D-00C04FC964FF' },
        { name: 'RowCount', type: 'int', direction: 'output' },
        { name: 'Total', type: 'decimal', direction: 'inputOutput', value: '1' },
      ]),
    );
    expect(plan).toEqual({
      kind: 'procedure',
      procedure: '[dbo].[usp_ArchiveOldRecords]',
      parameters: [
        { name: 'Days', direction: 'input', type: { name: 'Int' }, value: 30 },
        { name: 'Big', direction: 'input', type: { name: 'BigInt' }, value: 9007199254740993n },
        { name: 'Amount', direction: 'input', type: { name: 'Decimal', precision: 10, scale: 2 }, value: 12.5 },
        { name: 'Flag', direction: 'input', type: { name: 'Bit' }, value: true },
        { name: 'Note', direction: 'input', type: { name: 'NVarChar', length: 50 }, value: "'; DROP TABLE x; --" },
        { name: 'Plain', direction: 'input', type: { name: 'NVarChar' }, value: 'x' },
        { name: 'Code', direction: 'input', type: { name: 'VarChar', length: 'max' }, value: 'abc' },
        { name: 'Id', direction: 'input', type: { name: 'UniqueIdentifier' }, value: '6f9619ff-8b86-d011-b42d-00c04fc964ff' },
        { name: 'RowCount', direction: 'output', type: { name: 'Int' }, value: null },
        { name: 'Total', direction: 'inputOutput', type: { name: 'Decimal', precision: 18, scale: 0 }, value: 1 },
      ],
    });
  });

  it('dates travel as Dates whose UTC fields hold the wall clock; datetime2 keeps its 100 ns digits', () => {
    const [at, at2, day] = buildMssqlRequestPlan(
      { procedure: 'p' },
      typed([
        { name: 'At', type: 'datetime', value: '2025-01-31T02:30:15.250+01:00' },
        { name: 'At2', type: 'datetime2', value: '0001-01-01T00:00:00.1234567' },
        { name: 'Day', type: 'date', value: '2025-01-31' },
      ]),
    ).parameters;
    expect(at).toMatchObject({ type: { name: 'DateTime' } });
    expect((at?.value as Date).toISOString()).toBe('2025-01-31T02:30:15.250Z');
    expect((at2?.value as Date).toISOString()).toBe('0001-01-01T00:00:00.123Z');
    expect((at2?.value as { nanosecondDelta?: number }).nanosecondDelta).toBeCloseTo(0.0004567, 10);
    expect((day?.value as Date).toISOString()).toBe('2025-01-31T00:00:00.000Z');
  });

  it('an output decimal without a size is declared wide enough for any value', () => {
    const [total] = buildMssqlRequestPlan({ procedure: 'p' }, typed([{ name: 'Total', type: 'decimal', direction: 'output' }])).parameters;
    expect(total?.type).toEqual({ name: 'Decimal', precision: 38, scale: 10 });
  });

  it('a decimal the driver cannot send exactly (more than 15 digits) fails instead of rounding', () => {
    expect(() => buildMssqlRequestPlan({ procedure: 'p' }, typed([{ name: 'Amount', type: 'decimal', value: '1234567890.1234567' }]))).toThrow(
      "Parameter 'Amount' (decimal(18, 7)): `1234567890.1234567` has 17 significant digits",
    );
  });

  it('a function is called through SELECT with its inputs bound, never written into the text', () => {
    const plan = buildMssqlRequestPlan(
      { procedure: 'dbo.fn_Open', kind: 'function' },
      typed([{ name: 'Since', type: 'date', value: '2025-01-01' }, { name: 'Note', type: 'string', value: "x') --" }]),
    );
    expect(plan.statement).toBe('SELECT * FROM [dbo].[fn_Open](@Since, @Note)');
    expect(plan.parameters.map((p) => p.value)).toContain("x') --");
  });

  it('a function with an output parameter is refused', () => {
    expect(() => buildMssqlRequestPlan({ procedure: 'f', kind: 'function' }, typed([{ name: 'X', type: 'int', direction: 'output' }]))).toThrow(
      "Parameter 'X': a SQL Server function takes input parameters only",
    );
  });
});

describe('PostgreSQL statement plan', () => {
  it('a procedure is a CALL with named, cast arguments; outputs are NULL placeholders', () => {
    const plan = buildPostgresPlan(
      { procedure: 'public.Archive_Old' },
      typed([
        { name: 'Days', type: 'int', value: '30' },
        { name: 'Note', type: 'nvarchar', value: null },
        { name: 'Amount', type: 'decimal', precision: 10, scale: 2, value: '1.5' },
        { name: 'Total', type: 'decimal', direction: 'inputOutput', value: '7' },
        { name: 'RowCount', type: 'bigint', direction: 'output' },
      ]),
    );
    expect(plan).toEqual({
      kind: 'procedure',
      text: 'CALL "public"."archive_old"("days" => $1::int4, "note" => $2::text, "amount" => $3::numeric(10, 2), "total" => $4::numeric(18, 0), "rowcount" => NULL::int8)',
      values: ['30', null, '1.5', '7'],
      outputs: [
        { name: 'Total', column: 'total' },
        { name: 'RowCount', column: 'rowcount' },
      ],
    });
  });

  it('every type has its cast and its text form', () => {
    const plan = buildPostgresPlan(
      { procedure: 'p' },
      typed([
        { name: 'A', type: 'bit', value: '1' },
        { name: 'B', type: 'datetime2', value: '2025-01-31T02:30:00.5+01:00' },
        { name: 'C', type: 'date', value: '2025-01-31' },
        { name: 'D', type: 'uniqueidentifier', value: '{6F9619FF-8B86-D011-B42D-00C04FC964FF}' },
        { name: 'E', type: 'varchar', length: 10, value: 'v' },
        { name: 'F', type: 'bigint', value: '-9223372036854775808' },
      ]),
    );
    expect(plan.text).toBe('CALL "p"("a" => $1::boolean, "b" => $2::timestamp, "c" => $3::date, "d" => $4::uuid, "e" => $5::text, "f" => $6::int8)');
    expect(plan.values).toEqual(['true', '2025-01-31 02:30:00.5', '2025-01-31', '6f9619ff-8b86-d011-b42d-00c04fc964ff', 'v', '-9223372036854775808']);
  });

  it('a function is a SELECT; its output parameters are columns, not arguments', () => {
    const plan = buildPostgresPlan(
      { procedure: 'reports.open_items', kind: 'function' },
      typed([{ name: 'Since', type: 'date', value: '2025-01-01' }, { name: 'Total', type: 'int', direction: 'output' }]),
    );
    expect(plan.text).toBe('SELECT * FROM "reports"."open_items"("since" => $1::date)');
    expect(plan.outputs).toEqual([{ name: 'Total', column: 'total' }]);
  });
});
