/**
 * CLI commands about schedules and files: validate, import, export, list, pause, resume, next.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseScheduleFileText } from '../engine/config/validate.ts';
import { ValidationError } from '../engine/errors.ts';
import { formatDate, readIsoDate, zonedInstant } from '../engine/params/format-date.ts';
import { hostTimezone, isValidTimezone, nextOccurrences, parseCron } from '../engine/scheduler/cron.ts';
import { intFlag, required, UsageError, type CliContext } from './context.ts';
import { scheduleJson, table } from './format.ts';

function readScheduleFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseScheduleFileText(text);
}

/** `validate FILE`: every problem, one per line; exit 1 if any. */
export function validate(ctx: CliContext): number {
  const file = required(ctx, 0, 'FILE (the schedule file to check)');
  const result = readScheduleFile(file);
  if (!result.ok) {
    for (const p of result.problems) ctx.err(`${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    ctx.err(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${file}`);
    return 1;
  }
  ctx.out(`${file} is valid: ${result.value.schedules.length} schedules, ${result.value.connections.length} connections`);
  return 0;
}

/** `import FILE [--replace]`: all or nothing. */
export function importFile(ctx: CliContext): number {
  const file = required(ctx, 0, 'FILE (the schedule file to import)');
  const result = readScheduleFile(file);
  if (!result.ok) throw new ValidationError(result.problems);
  const summary = ctx.engine().importFile(result.value, { replace: ctx.flags.replace === true });
  ctx.out(
    `Imported ${file}: ${summary.created.length} created, ${summary.updated.length} updated, ` +
      `${summary.removed.length} removed, ${summary.connections.length} connections, ${summary.settings.length} settings`,
  );
  for (const w of summary.warnings) ctx.err(`warning: ${w.path}: ${w.message}`);
  return 0;
}

/** `export [FILE]`: the store as a schedule file, secrets left out. */
export function exportFile(ctx: CliContext): number {
  const text = `${JSON.stringify(ctx.engine().exportFile(), null, 2)}\n`;
  const file = ctx.positionals[0];
  if (file) {
    writeFileSync(file, text);
    ctx.out(`Exported to ${file}`);
  } else {
    ctx.out(text.trimEnd());
  }
  return 0;
}

/** `list [--json]`. */
export function list(ctx: CliContext): number {
  const rows = ctx.engine().listSchedules().map(scheduleJson);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    ctx.out('No schedules. Import a file with: batchlight import FILE');
    return 0;
  }
  ctx.out(
    table(
      ['NAME', 'CRON', 'TIMEZONE', 'STATE', 'NEXT RUN', 'LAST STATUS'],
      rows.map((r) => [r.name, r.cron, r.timezone ?? '', !r.enabled ? 'disabled' : r.paused ? 'paused' : 'enabled', r.nextRunAt ?? '', r.lastStatus ?? '']),
    ),
  );
  return 0;
}

/** `pause NAME` / `resume NAME`. */
export function setPaused(paused: boolean) {
  return (ctx: CliContext): number => {
    const name = required(ctx, 0, 'NAME (the schedule)');
    ctx.engine().setPaused(name, paused);
    ctx.out(`${paused ? 'Paused' : 'Resumed'} ${name}`);
    return 0;
  };
}

/** Most occurrences `next` prints: the API's `next` allows as many. */
const MAX_NEXT_COUNT = 50;

/**
 * `--from`: only ISO-8601 (`2026-01-31`, `2026-01-31T02:30`, `2026-01-31T02:30:00Z`); without an
 * offset it is a wall-clock time in `timezone` (--tz), as the occurrences are shown. Date.parse
 * alone would take `5` (as 2001-05-01), roll `2026-02-31` over to March, and read a time in this
 * host's zone.
 */
function fromFlag(raw: string, timezone: string): number {
  const read = readIsoDate(raw);
  if (read === undefined) {
    throw new UsageError(`Expected --from to be an ISO-8601 date or time (2026-01-31, 2026-01-31T02:30, 2026-01-31T02:30:00Z), got \`${raw}\``);
  }
  return read.local ? zonedInstant(read.at, timezone) : read.at;
}

/** `next CRON [--tz ZONE] [--from ISO] [--count N]`: the occurrences the engine would use. */
export function next(ctx: CliContext): number {
  const expression = required(ctx, 0, 'CRON (quote it: "0 30 2 * * *")');
  const tz = typeof ctx.flags.tz === 'string' ? ctx.flags.tz : hostTimezone();
  if (!isValidTimezone(tz)) throw new UsageError(`Unknown time zone \`${tz}\` for --tz`);
  const from = typeof ctx.flags.from === 'string' ? fromFlag(ctx.flags.from, tz) : Date.now();
  const count = intFlag(ctx, 'count', 5, MAX_NEXT_COUNT);
  const times = nextOccurrences(parseCron(expression, tz), from, count);
  if (times.length === 0) throw new Error(`Cron expression \`${expression}\` never fires (no such date)`);
  if (ctx.flags.json) ctx.out(JSON.stringify(times.map((at) => new Date(at).toISOString())));
  else for (const at of times) ctx.out(`${new Date(at).toISOString()}  ${formatDate(at, 'yyyy-MM-dd HH:mm:ss zzz', tz)} ${tz}`);
  return 0;
}
