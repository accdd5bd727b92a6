/**
 * What every CLI command gets: parsed flags, an output writer, and a lazily opened engine on
 * the data folder (not started: commands write to the store, and a serving engine picks the
 * change up within a second).
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { createEngine, type Engine } from '../engine/engine.ts';
import { currentLease, type LeaseHolder } from '../engine/store/lease.ts';

/** A usage mistake: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliContext {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** All of standard input, as text (`config set KEY --stdin`). */
  input: () => Promise<string>;
  engine(): Engine;
  /** The engine serving this data folder, if one is live. */
  servingEngine(): LeaseHolder | undefined;
  dataDir: string | undefined;
}

/**
 * Builds the context for one command invocation. A `--data` folder that does not exist is
 * created only by a command that sets something up (`createsDataFolder`: serve, import, config set);
 * any other refuses it, so a mistyped path is an error, not a new empty folder reported as
 * "No schedules".
 */
export function createContext(
  positionals: string[],
  flags: Record<string, string | boolean | undefined>,
  io: { out: (t: string) => void; err: (t: string) => void; input?: () => Promise<string> },
  options: { createsDataFolder?: boolean } = {},
): CliContext & { close(): Promise<void> } {
  let engine: Engine | undefined;
  const dataDir = typeof flags.data === 'string' ? flags.data : undefined;
  const ctx = {
    positionals,
    flags,
    out: io.out,
    err: io.err,
    input: io.input ?? readStdin,
    dataDir,
    engine() {
      if (!engine && dataDir !== undefined && !options.createsDataFolder && !existsSync(dataDir)) {
        throw new Error(`No Batchlight data folder at ${dataDir}: check --data (serve, import and config set create one)`);
      }
      engine ??= createEngine({ dataDir });
      return engine;
    },
    servingEngine() {
      return currentLease(ctx.engine().store.db, Date.now(), hostname());
    },
    async close() {
      if (engine) await engine.stop();
    },
  };
  return ctx;
}

/**
 * Reads standard input to its end. Only from a pipe or a file: at a console the value would be
 * echoed as it is typed, which is what reading it from stdin is meant to avoid.
 */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError('Standard input is the console: pipe the value in or read it from a file (e.g. `Get-Content pw.txt | batchlight …` or `batchlight … < pw.txt`), so that it is not shown as it is typed');
  }
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

/**
 * The value on standard input for `flag`, one trailing line break dropped: a password or token
 * given this way is never in the command line, where the process list, the shell's history and
 * npm's debug log (`npx`) would keep it. Empty input is a usage error; `unchanged` says what
 * was therefore not done.
 */
export async function stdinValue(ctx: CliContext, flag: string, unchanged: string): Promise<string> {
  const text = (await ctx.input()).replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`${flag}: standard input was empty; ${unchanged}`);
  return text;
}

/** The one positional argument a command needs, or a usage error naming it. */
export function required(ctx: CliContext, index: number, name: string): string {
  const value = ctx.positionals[index];
  if (!value) throw new UsageError(`Missing ${name}`);
  return value;
}

/**
 * Refuses positional arguments beyond the `max` a command takes, naming them: an extra one is
 * most likely a file a shell glob added or a value meant for another flag, and ignoring it
 * would report success for something never done.
 */
export function noExtraArguments(positionals: string[], max: number, command: string): void {
  const extra = positionals.slice(max);
  if (extra.length === 0) return;
  const takes = max === 0 ? 'no arguments' : `at most ${max} argument${max === 1 ? '' : 's'}`;
  throw new UsageError(`Unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((a) => `\`${a}\``).join(' ')}: \`${command}\` takes ${takes}`);
}

/**
 * An integer flag from 1 to `max`, or a usage error naming the flag, the value and the range.
 * Only plain digits: Number() would also take `0x3`, `1e3` and ` 3`.
 */
export function intFlag(ctx: CliContext, name: string, fallback: number, max: number): number {
  const raw = ctx.flags[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= max)) {
    throw new UsageError(`Expected --${name} to be a whole number from 1 to ${max}, got \`${String(raw)}\``);
  }
  return value;
}
