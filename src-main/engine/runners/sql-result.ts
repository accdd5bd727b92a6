/**
 * What a SQL run returns: the procedure's return value, its output parameters and its result
 * sets, each capped at `maxRows` rows and marked when cut. It goes into the run's result as
 * JSON (dates as text, 64-bit integers and decimals as exact strings, binary as hex) and into
 * its output as plain-text tables an operator can read in the run view or a notification.
 */

/** One result set; `rows` holds at most `maxRows` of its `totalRows`. */
export interface SqlResultSet {
  columns: string[];
  rows: unknown[][];
  totalRows: number;
  truncated: boolean;
}

/** The run's result (`Run.result`) for a SQL job. */
export interface SqlRunResult {
  connection: string;
  server: 'sqlserver' | 'postgres';
  procedure: string;
  kind: 'procedure' | 'function';
  /** SQL Server's RETURN value; PostgreSQL procedures have none. */
  returnValue?: number | null;
  output: Record<string, unknown>;
  resultSets: SqlResultSet[];
}

/** Collects streamed rows into capped result sets: rows past the cap are counted, not kept. */
export class ResultSetCollector {
  private readonly sets: SqlResultSet[] = [];
  private current: SqlResultSet | undefined;

  constructor(private readonly maxRows: number) {}

  start(columns: string[]): void {
    this.current = { columns, rows: [], totalRows: 0, truncated: false };
    this.sets.push(this.current);
  }

  add(row: unknown[]): void {
    if (!this.current) this.start(row.map((_, index) => `column${index + 1}`));
    const set = this.current!;
    set.totalRows += 1;
    if (set.rows.length < this.maxRows) set.rows.push(row.map((value) => toJsonValue(value)));
    else set.truncated = true;
  }

  /** Adds a set whose rows were counted elsewhere (a cursor fetched in part). */
  addCounted(columns: string[], rows: unknown[][], totalRows: number): void {
    const kept = rows.slice(0, this.maxRows).map((row) => row.map((value) => toJsonValue(value)));
    this.sets.push({ columns, rows: kept, totalRows, truncated: totalRows > kept.length });
    this.current = undefined;
  }

  results(): SqlResultSet[] {
    return this.sets;
  }
}

/**
 * How a driver's Date is written: `instant` (ISO with Z, for timestamps with a zone), or, for SQL
 * Server datetime/datetime2/date that tedious reads with useUTC (so that their UTC fields are the
 * server's wall clock), `wallClock` (ISO without the Z that would claim a zone they never had)
 * and `date` (YYYY-MM-DD).
 */
export type DateStyle = 'instant' | 'wallClock' | 'date';

/** A driver value as JSON can hold it. */
export function toJsonValue(value: unknown, dates: DateStyle = 'instant'): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const iso = value.toISOString();
    return dates === 'date' ? iso.slice(0, 10) : dates === 'wallClock' ? iso.slice(0, -1) : iso;
  }
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, toJsonValue(item)]));
  }
  return value;
}

/**
 * Every string in the result passed through `redact` (secrets a procedure may echo back), and
 * every number that reads as a secret (a PIN passed as an int) replaced by the masked text.
 */
export function redactResult(result: SqlRunResult, redact: (text: string) => string): SqlRunResult {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value === 'number') {
      const masked = redact(String(value));
      return masked === String(value) ? value : masked;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [redact(key), walk(item)]));
    }
    return value;
  };
  return walk(result) as SqlRunResult;
}

const MAX_CELL = 80;

/** The result as text: return value, output parameters, then each result set as a table. */
export function renderResult(result: SqlRunResult): string {
  const lines: string[] = [];
  if (result.returnValue !== undefined) lines.push(`Return value: ${cell(result.returnValue)}`);
  const outputs = Object.entries(result.output);
  if (outputs.length) {
    lines.push('Output parameters:');
    const width = Math.max(...outputs.map(([name]) => name.length));
    for (const [name, value] of outputs) lines.push(`  ${name.padEnd(width)} = ${cell(value)}`);
  }
  result.resultSets.forEach((set, index) => {
    const count = set.truncated
      ? `first ${set.rows.length} of ${set.totalRows} rows; the rest were cut at maxRows`
      : `${set.totalRows} row${set.totalRows === 1 ? '' : 's'}`;
    lines.push('', `Result set ${index + 1} (${count}):`);
    lines.push(...table(set.columns, set.rows.map((row) => row.map(cell))));
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ').trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('-+-'), ...rows.map(line)];
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\r?\n/g, '\\n').replace(/\t/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}
