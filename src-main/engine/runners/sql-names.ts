/**
 * Procedure and parameter names as each server reads them. The schedule validator already
 * accepts only one- to three-part names (config/sql-identifiers.ts); here each part is quoted
 * for its server, so no name can carry SQL: `[dbo].[usp_Archive]` for SQL Server (a `]` is
 * doubled), `"public"."archive"` for PostgreSQL (a `"` is doubled).
 */
import { NonRetryableError } from '../errors.ts';
import { parseProcedureName } from '../config/sql-identifiers.ts';

/** One part of a procedure name, and whether it was written delimited (`[x]` or `"x"`). */
export interface NamePart {
  value: string;
  delimited: boolean;
}

/** The parts of a valid procedure name; throws NonRetryableError naming the bad value. */
export function procedureParts(name: string): NamePart[] {
  const values = parseProcedureName(name);
  if (!values) {
    throw new NonRetryableError(`Procedure name \`${name}\` is not a one- to three-part name such as dbo.usp_Archive or [my db].[dbo].[usp X]`);
  }
  // Walk the text again to learn which parts were delimited; the parse above guarantees the shape.
  let position = 0;
  return values.map((value) => {
    const open = name.charAt(position);
    const delimited = open === '[' || open === '"';
    const close = open === '[' ? ']' : '"';
    position += (delimited ? value.length + value.split(close).length - 1 + 2 : value.length) + 1;
    return { value, delimited };
  });
}

/** `[a].[b].[c]`, for SQL Server. */
export function quoteMssqlName(parts: readonly NamePart[]): string {
  return parts.map((part) => `[${part.value.replace(/]/g, ']]')}]`).join('.');
}

/**
 * `"a"."b"`, for PostgreSQL. An undelimited part is folded to lower case first, as PostgreSQL
 * folds unquoted identifiers ("Identifiers and Key Words", 4.1.1): `Public.Archive_Old`
 * names the same procedure as `public.archive_old` would in psql.
 */
export function quotePostgresName(parts: readonly NamePart[]): string {
  return parts.map((part) => quotePostgresIdentifier(part.delimited ? part.value : part.value.toLowerCase())).join('.');
}

/** `"x"` with embedded quotes doubled. */
export function quotePostgresIdentifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}
