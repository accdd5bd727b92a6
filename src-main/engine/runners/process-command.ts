/**
 * How a process job becomes the file and argument vector handed to execa, per platform. Pure
 * (no I/O): the platform and environment are parameters, so the Windows rules are unit-tested on
 * any host. The one place where quoting for a shell lives; everywhere else arguments stay an
 * array and no shell ever sees them.
 */
import path from 'node:path';
import { NonRetryableError } from '../errors.ts';
import type { ProcessJob } from '../types.ts';

/** What to spawn: the program, its argument vector, and whether Node must pass the vector as is. */
export interface BuiltCommand {
  file: string;
  args: string[];
  /** Set when `args` already holds a cmd.exe command line that Node must not quote again. */
  windowsVerbatimArguments?: boolean;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Turns a job whose placeholders are already substituted (and whose executable is resolved) into
 * the command to spawn.
 *
 * - POSIX: the executable runs directly with its arguments (a `.sh` too, via its shebang);
 *   `shell: true` runs `/bin/sh -c "<executable> <arguments...>"`.
 * - Windows `.exe`/`.com` and anything else: run directly; Node quotes each argument by the
 *   MSVCRT rules (CommandLineToArgvW), so no shell is involved.
 * - Windows `.bat`/`.cmd`: CreateProcess cannot start a batch file itself; it runs through
 *   `cmd.exe /d /s /c "<line>"`, and cmd.exe re-parses that line, so every argument is escaped
 *   for cmd (see `escapeCmdArgument`). Node refuses to spawn a batch file directly since
 *   CVE-2024-27980 ("BatBadBut") for exactly this reason.
 * - Windows `.ps1`: `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File
 *   script.ps1 args...`; with `-File`, PowerShell binds the arguments as literal strings.
 * - `shell: true`: the platform shell (cmd.exe or /bin/sh) interprets the line made of the
 *   executable and the arguments joined by spaces, exactly as written. The only case where a
 *   shell sees the arguments.
 */
export function buildCommand(
  job: Pick<ProcessJob, 'executablePath' | 'arguments' | 'shell'>,
  platform: NodeJS.Platform,
  env: Environment = process.env,
): BuiltCommand {
  const file = job.executablePath;
  const args = job.arguments;
  if (platform !== 'win32') {
    return job.shell ? { file: '/bin/sh', args: ['-c', [file, ...args].join(' ')] } : { file, args: [...args] };
  }
  if (job.shell) return cmdLine(env, [file, ...args].join(' '));
  const extension = path.win32.extname(file).toLowerCase();
  if (extension === '.bat' || extension === '.cmd') {
    args.forEach((arg, index) => rejectLineBreak(arg, `arguments[${index}]`));
    const line = [escapeCmdCommand(path.win32.normalize(file)), ...args.map((arg) => escapeCmdArgument(arg, true))];
    return cmdLine(env, line.join(' '));
  }
  if (extension === '.ps1') {
    return {
      file: windowsSystemPath(env, 'WindowsPowerShell\\v1.0\\powershell.exe'),
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', file, ...args],
    };
  }
  return { file, args: [...args] };
}

/**
 * Quotes a substituted parameter value as one word for the platform shell, so that under
 * `shell: true` the schedule's own text is shell syntax but a parameter value stays data
 * (a value `x; rm -rf /` cannot start a second command).
 */
export function shellQuote(value: string, platform: NodeJS.Platform): string {
  if (platform !== 'win32') return `'${value.replaceAll("'", `'\\''`)}'`;
  rejectLineBreak(value, 'a parameter value');
  return escapeCmdArgument(value, false);
}

/**
 * The child's environment: `overrides` over `base`. On Windows variable names are
 * case-insensitive, so an override `PATH` replaces the inherited `Path` instead of producing two
 * entries of which the child would see an arbitrary one.
 */
export function mergeEnvironment(
  base: Environment,
  overrides: Readonly<Record<string, string>>,
  platform: NodeJS.Platform,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) merged[name] = value;
  for (const [name, value] of Object.entries(overrides)) {
    if (platform === 'win32') {
      for (const existing of Object.keys(merged)) if (existing.toUpperCase() === name.toUpperCase()) delete merged[existing];
    }
    merged[name] = value;
  }
  return merged;
}

/** Reads an environment variable, ignoring case on Windows as the OS does. */
export function environmentValue(env: Environment, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

// cmd.exe's metacharacters, from cross-spawn 7 lib/util/escape.js (which cites
// http://www.robvanderwoude.com/escapechars.php). A caret makes the next character literal.
const CMD_META = /([()\][%!^"`<>&|;, *?])/g;

/** cross-spawn's `escapeCommand`: carets before every metacharacter of the program path. */
function escapeCmdCommand(file: string): string {
  return file.replace(CMD_META, '^$1');
}

/**
 * cross-spawn's `escapeArgument` (lib/util/escape.js, after https://qntm.org/cmd): first quote
 * the argument for the program's own parser (MSVCRT: double the backslashes before a quote or
 * the end, escape quotes as \"), then put a caret before every cmd metacharacter, the
 * surrounding quotes included, so cmd never toggles its quote state and every `& | < > ^ %`
 * stays literal (`%VAR%` cannot expand either: `%VAR^%` names no variable).
 *
 * `twice` escapes the carets again for a batch file: cmd removes one level of carets when it
 * parses the `/c` line, and the batch re-parses `%1`/`%*` when it uses them in a command, which
 * removes the second level. Without it, `echo %~1` or forwarding `%*` would run `& del *`.
 */
function escapeCmdArgument(arg: string, twice: boolean): string {
  let quoted = arg.replace(/(\\*)"/g, '$1$1\\"');
  quoted = quoted.replace(/(\\*)$/, '$1$1');
  quoted = `"${quoted}"`.replace(CMD_META, '^$1');
  return twice ? quoted.replace(CMD_META, '^$1') : quoted;
}

/** cmd.exe cannot carry a line break inside its command line: it would end the command there. */
function rejectLineBreak(value: string, field: string): void {
  if (/[\r\n]/.test(value)) {
    throw new NonRetryableError(
      `${field} contains a line break, which cmd.exe cannot pass on (got \`${value.replace(/\r?\n|\r/g, '\\n')}\`)`,
    );
  }
}

/**
 * `cmd.exe /d /s /c "<line>"`: /d skips AutoRun commands from the registry, /c runs the line and
 * exits, /s makes cmd strip exactly the outer pair of quotes and keep the rest as is.
 * windowsVerbatimArguments stops Node from quoting the line a second time.
 */
function cmdLine(env: Environment, line: string): BuiltCommand {
  const comspec = environmentValue(env, 'ComSpec', 'win32') ?? windowsSystemPath(env, 'cmd.exe');
  return { file: comspec, args: ['/d', '/s', '/c', `"${line}"`], windowsVerbatimArguments: true };
}

/** A full path under System32, so a same-named program in the working directory never runs instead. */
function windowsSystemPath(env: Environment, relative: string): string {
  const root = environmentValue(env, 'SystemRoot', 'win32') ?? 'C:\\Windows';
  return path.win32.join(root, 'System32', relative);
}
