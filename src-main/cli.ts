/**
 * The headless host's command line: `batchlight serve|validate|import|export|list|trigger|runs|
 * show|cancel|pause|resume|next`. Every command takes `--data DIR` and exits non-zero with a
 * one-line reason on any error.
 */
import { parseArgs } from 'node:util';
import { NotFoundError, ValidationError } from './engine/errors.ts';
import { DataFolderBusyError } from './engine/store/lease.ts';
import { createContext, UsageError, type CliContext } from './cli/context.ts';
import { config, testNotify } from './cli/notify-commands.ts';
import { cancel, runs, show, trigger } from './cli/run-commands.ts';
import { testConnection } from './cli/sql-commands.ts';
import { exportFile, importFile, list, next, setPaused, validate } from './cli/schedule-commands.ts';
import { serve } from './cli/serve.ts';

type Command = (ctx: CliContext) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  serve: { run: serve, usage: 'serve [--quiet] [--ui] [--port N]    run the engine until Ctrl+C / SIGTERM (--ui: browser UI on 127.0.0.1)' },
  validate: { run: validate, usage: 'validate FILE                        check a schedule file, print every problem' },
  import: { run: importFile, usage: 'import FILE [--replace]              import schedules, connections, settings' },
  export: { run: exportFile, usage: 'export [FILE]                        write the schedules (secrets left out)' },
  list: { run: list, usage: 'list [--json]                        schedules with next run and last status' },
  trigger: { run: trigger, usage: 'trigger NAME [--wait] [--json] [--param N=V] [--param-stdin N] [--timeout S]  run now' },
  runs: { run: runs, usage: 'runs [--schedule NAME] [--status S] [--limit N] [--json]' },
  show: { run: show, usage: 'show RUN_ID [--output] [--json]      one run, optionally with its output' },
  cancel: { run: cancel, usage: 'cancel RUN_ID                        cancel a queued or running run' },
  pause: { run: setPaused(true), usage: 'pause NAME                           skip cron occurrences until resumed' },
  resume: { run: setPaused(false), usage: 'resume NAME' },
  next: { run: next, usage: 'next CRON [--tz ZONE] [--from ISO] [--count N] [--json]' },
  config: { run: config, usage: 'config get [KEY] | config set KEY VALUE|--stdin   read or change a setting (smtp.host)' },
  'test-connection': { run: testConnection, usage: 'test-connection NAME [--timeout S] [--json]   connect; say what failed' },
  'test-notify': { run: testNotify, usage: 'test-notify [--email ADDR] [--webhook NAME]   send a test message' },
};

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
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
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
  const ctx = createContext(positionals, parsed.values as CliContext['flags'], io);
  try {
    return await command.run(ctx);
  } catch (error) {
    return report(error, name, io.err);
  } finally {
    await ctx.close().catch(() => {});
  }
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
