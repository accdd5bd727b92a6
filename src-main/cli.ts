/**
 * The headless host's command line: `batchlight serve|validate|import|export|list|trigger|runs|
 * show|cancel|pause|resume|next`. Every command takes `--data DIR` and exits non-zero with a
 * one-line reason on any error.
 */
import { parseArgs } from 'node:util';
import { NotFoundError, ValidationError } from './engine/errors.ts';
import { DataFolderBusyError } from './engine/store/lease.ts';
import { createContext, noExtraArguments, UsageError, type CliContext } from './cli/context.ts';
import { config, testNotify } from './cli/notify-commands.ts';
import { cancel, runs, show, trigger } from './cli/run-commands.ts';
import { testConnection } from './cli/sql-commands.ts';
import { exportFile, importFile, list, next, setPaused, validate } from './cli/schedule-commands.ts';
import { serve } from './cli/serve.ts';

type Command = (ctx: CliContext) => number | Promise<number>;
type Flag = keyof typeof OPTIONS;

/**
 * Each command with its usage line, the flags it takes (besides --data and --help) and how many
 * positional arguments it takes at most: anything else is a usage mistake, refused before the
 * command opens or changes anything (a shell glob passing `validate *.json` checks no file).
 */
interface CommandSpec {
  run: Command;
  usage: string;
  flags: readonly Flag[];
  positionals: number;
  /** True when this command line creates a --data folder that does not exist yet; others refuse one. */
  createsDataFolder?: (positionals: readonly string[]) => boolean;
}

const COMMANDS: Record<string, CommandSpec> = {
  serve: { run: serve, flags: ['quiet', 'ui', 'port'], positionals: 0, createsDataFolder: () => true, usage: 'serve [--quiet] [--ui] [--port N]    run the engine until Ctrl+C / SIGTERM (--ui: browser UI on 127.0.0.1)' },
  validate: { run: validate, flags: [], positionals: 1, usage: 'validate FILE                        check a schedule file, print every problem' },
  import: { run: importFile, flags: ['replace'], positionals: 1, createsDataFolder: () => true, usage: 'import FILE [--replace]              import schedules, connections, settings' },
  export: { run: exportFile, flags: [], positionals: 1, usage: 'export [FILE]                        write the schedules (secrets left out)' },
  list: { run: list, flags: ['json'], positionals: 0, usage: 'list [--json]                        schedules with next run and last status' },
  trigger: { run: trigger, flags: ['wait', 'json', 'param', 'param-stdin', 'timeout'], positionals: 1, usage: 'trigger NAME [--wait] [--json] [--param N=V] [--param-stdin N] [--timeout S]  run now' },
  runs: { run: runs, flags: ['schedule', 'status', 'limit', 'json'], positionals: 0, usage: 'runs [--schedule NAME] [--status S] [--limit N] [--json]' },
  show: { run: show, flags: ['output', 'json'], positionals: 1, usage: 'show RUN_ID [--output] [--json]      one run, optionally with its output' },
  cancel: { run: cancel, flags: [], positionals: 1, usage: 'cancel RUN_ID                        cancel a queued or running run' },
  pause: { run: setPaused(true), flags: [], positionals: 1, usage: 'pause NAME                           skip cron occurrences until resumed' },
  resume: { run: setPaused(false), flags: [], positionals: 1, usage: 'resume NAME' },
  next: { run: next, flags: ['tz', 'from', 'count', 'json'], positionals: 1, usage: 'next CRON [--tz ZONE] [--from ISO] [--count N] [--json]' },
  // `config get [KEY]` takes one fewer; `config` itself checks that.
  config: { run: config, flags: ['stdin'], positionals: 3, createsDataFolder: (args) => args[0] === 'set', usage: 'config get [KEY] | config set KEY VALUE|--stdin   read or change a setting (smtp.host)' },
  'test-connection': { run: testConnection, flags: ['timeout', 'json'], positionals: 1, usage: 'test-connection NAME [--timeout S] [--json]   connect; say what failed' },
  'test-notify': { run: testNotify, flags: ['email', 'webhook'], positionals: 0, usage: 'test-notify [--email ADDR] [--webhook NAME]   send a test message' },
};

/** One item of parseArgs' `tokens`: each flag occurrence is its own `option` token. */
type ArgToken = { kind: string; name?: string };

/** Flags every command takes. */
const COMMON_FLAGS: readonly Flag[] = ['data', 'help'];

const OPTIONS = {
  data: { type: 'string' },
  json: { type: 'boolean' },
  replace: { type: 'boolean' },
  wait: { type: 'boolean' },
  output: { type: 'boolean' },
  quiet: { type: 'boolean' },
  ui: { type: 'boolean' },
  port: { type: 'string' },
  schedule: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  tz: { type: 'string' },
  from: { type: 'string' },
  count: { type: 'string' },
  timeout: { type: 'string' },
  param: { type: 'string', multiple: true },
  'param-stdin': { type: 'string' },
  email: { type: 'string' },
  webhook: { type: 'string' },
  stdin: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The usage text. */
export function usage(): string {
  return [
    'Usage: batchlight COMMAND [options]   (every command takes --data DIR)',
    '',
    ...Object.values(COMMANDS).map((c) => `  batchlight ${c.usage}`),
  ].join('\n');
}

/** Runs one command line; resolves with the process exit code. */
export async function main(argv: string[], io = { out: (t: string) => console.log(t), err: (t: string) => console.error(t) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    io.err(`batchlight: ${(error as Error).message}\n${usage()}`);
    return 2;
  }
  const [name, ...positionals] = parsed.positionals;
  if (!name || parsed.values.help) {
    io.out(usage());
    return name || parsed.values.help ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`batchlight: unknown command \`${name}\`\n${usage()}`);
    return 2;
  }
  try {
    checkArguments(name, command, parsed.tokens, positionals);
  } catch (error) {
    return report(error, name, io.err);
  }
  const ctx = createContext(positionals, parsed.values as CliContext['flags'], io, { createsDataFolder: command.createsDataFolder?.(positionals) === true });
  try {
    return await command.run(ctx);
  } catch (error) {
    return report(error, name, io.err);
  } finally {
    await ctx.close().catch(() => {});
  }
}

/**
 * Refuses, with a UsageError naming it, a flag the command does not take, a single-value flag
 * given twice (the last would win silently), and positional arguments beyond what it takes.
 */
function checkArguments(name: string, command: CommandSpec, tokens: readonly ArgToken[], positionals: string[]): void {
  const accepted = new Set<string>([...command.flags, ...COMMON_FLAGS]);
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (!accepted.has(token.name)) {
      const takes = [...command.flags, ...COMMON_FLAGS].map((f) => `--${f}`).join(', ');
      throw new UsageError(`\`${name}\` does not take --${token.name} (it takes ${takes})`);
    }
    const multiple = (OPTIONS[token.name as Flag] as { multiple?: boolean }).multiple === true;
    if (seen.has(token.name) && !multiple) throw new UsageError(`--${token.name} was given more than once; give it once`);
    seen.add(token.name);
  }
  noExtraArguments(positionals, command.positionals, name);
}

function report(error: unknown, command: string, err: (t: string) => void): number {
  if (error instanceof UsageError) {
    err(`batchlight ${command}: ${error.message}\nUsage: batchlight ${COMMANDS[command]?.usage ?? ''}`);
    return 2;
  }
  if (error instanceof ValidationError) {
    for (const p of error.problems) err(`  ${p.path ? `${p.path}: ` : ''}${p.message}`);
    err(`batchlight ${command}: ${error.problems.length} problem(s); nothing was changed`);
    return 1;
  }
  const message =
    error instanceof NotFoundError || error instanceof DataFolderBusyError || error instanceof Error ? error.message : String(error);
  err(`batchlight ${command}: ${message.split('\n')[0]}`);
  return 1;
}
