/**
 * Procedure names are identifiers the SQL runner quotes into `EXEC`, so the schedule file may
 * only hold names that parse cleanly: one to three parts (`proc`, `schema.proc`,
 * `db.schema.proc`), each a regular identifier or a delimited one in `[...]` (with `]]` for a
 * literal `]`) or `"..."` (with `""` for a literal `"`), at most 128 characters per part, as in
 * SQL Server's "Database identifiers" rules. PostgreSQL's quoted identifiers use `"..."` too.
 */

const REGULAR = /^[\p{L}_@#][\p{L}\p{N}_@#$]*/u;
const MAX_PART = 128;

/** The parts of a procedure name without their delimiters, or null when it is not valid. */
export function parseProcedureName(name: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  while (i <= name.length) {
    const part = readPart(name, i);
    if (!part || part.value.length === 0 || part.value.length > MAX_PART || /[\p{Cc}]/u.test(part.value)) return null;
    parts.push(part.value);
    i = part.end;
    if (i === name.length) break;
    if (name.charAt(i) !== '.') return null;
    i += 1;
  }
  return parts.length >= 1 && parts.length <= 3 ? parts : null;
}

/** True when `name` is a one- to three-part procedure name the SQL runner can quote safely. */
export function isValidProcedureName(name: string): boolean {
  return parseProcedureName(name) !== null;
}

function readPart(name: string, start: number): { value: string; end: number } | null {
  const open = name.charAt(start);
  if (open === '[' || open === '"') {
    const close = open === '[' ? ']' : '"';
    let value = '';
    let i = start + 1;
    while (i < name.length) {
      const char = name.charAt(i);
      if (char === close) {
        if (name.charAt(i + 1) === close) {
          value += close;
          i += 2;
          continue;
        }
        return { value, end: i + 1 };
      }
      value += char;
      i += 1;
    }
    return null;
  }
  const match = REGULAR.exec(name.slice(start));
  return match ? { value: match[0], end: start + match[0].length } : null;
}
