/**
 * The process runner: starts a program (or script) with its arguments as an array, streams its
 * stdout and stderr into the engine's sinks as they arrive, maps the exit code to an outcome, and
 * ends the whole process tree when the run's signal aborts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { execa, type Result } from 'execa';
import { substitute } from '../params/template.ts';
import type { ProcessJob } from '../types.ts';
import { buildCommand, environmentValue, mergeEnvironment, shellQuote, type BuiltCommand } from './process-command.ts';
import { killProcessTree, killProcessTreeOnExit } from './process-tree.ts';
import type { RunContext, Runner, RunnerOutcome } from './runner.ts';

export interface ProcessRunnerOptions {
  /** Read at each run, so a settings change applies to the next run. Empty: any executable. */
  allowedExecutables: () => string[];
  /** Defaults to process.platform; another value only makes sense for tests of command building. */
  platform?: NodeJS.Platform;
  /** How long a tree gets between SIGTERM and SIGKILL on POSIX, ms. Default 5000. */
  killGraceMs?: number;
}

/** Wires the process runner into the engine; the settings seam keeps it free of the store. */
export function createProcessRunner(options: ProcessRunnerOptions): Runner<ProcessJob> {
  const platform = options.platform ?? process.platform;
  const graceMs = options.killGraceMs ?? 5000;
  return {
    type: 'process',
    async run(ctx) {
      ctx.signal.throwIfAborted();
      const prepared = prepare(ctx, platform, options.allowedExecutables());
      if ('ok' in prepared) return prepared;
      return execute(ctx, prepared, platform, graceMs);
    },
  };
}

interface Prepared {
  command: BuiltCommand;
  cwd: string;
  env: Record<string, string>;
  executable: string;
}

/** Substitutes parameters and checks everything that can be checked before spawning. */
function prepare(ctx: RunContext<ProcessJob>, platform: NodeJS.Platform, allowed: string[]): Prepared | RunnerOutcome {
  const { job, values } = ctx;
  // Under `shell: true` a parameter value is quoted as one word, so it cannot add shell syntax.
  const encode = job.shell ? (value: string) => shellQuote(value, platform) : undefined;
  const executable = substitute(job.executablePath, values, { field: 'executablePath', encode });
  const args = job.arguments.map((arg, index) => substitute(arg, values, { field: `arguments[${index}]`, encode }));
  const overrides: Record<string, string> = {};
  for (const [name, value] of Object.entries(job.environment ?? {})) {
    overrides[name] = substitute(value, values, { field: `environment.${name}` });
  }
  const env = mergeEnvironment(process.env, overrides, platform);

  // A relative working directory resolves against the engine's current directory (process.cwd()),
  // as a shell would; schedules meant to move between hosts should use absolute paths.
  const configuredCwd = job.workingDirectory ? substitute(job.workingDirectory, values, { field: 'workingDirectory' }) : '.';
  const cwd = path.resolve(configuredCwd);
  const stat = fs.statSync(cwd, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    return failure(ctx, `Working directory \`${cwd}\` ${stat ? 'is not a directory' : 'does not exist'}`);
  }

  let command: BuiltCommand;
  if (job.shell) {
    // The program started is the shell, which can run anything: the allowlist applies to it.
    command = buildCommand({ executablePath: executable, arguments: args, shell: true }, platform, env);
    if (!isAllowed(allowed, [command.file], command.file, platform)) return notAllowed(ctx, command.file);
  } else {
    const resolved = resolveExecutable(executable, cwd, env, platform);
    if (resolved === undefined) return failure(ctx, `Executable \`${executable}\` was not found (searched PATH)`);
    if (!isAllowed(allowed, [job.executablePath, executable], resolved, platform)) return notAllowed(ctx, executable);
    command = buildCommand({ executablePath: resolved, arguments: args }, platform, env);
  }
  return { command, cwd, env, executable };
}

/** Spawns, streams output, and waits for the end or the abort. */
async function execute(
  ctx: RunContext<ProcessJob>,
  { command, cwd, env, executable }: Prepared,
  platform: NodeJS.Platform,
  graceMs: number,
): Promise<RunnerOutcome> {
  const subprocess = execa(command.file, command.args, {
    cwd,
    env,
    extendEnv: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    // Never hold the output in memory: it streams to the sinks, which cap and persist it.
    buffer: false,
    encoding: 'buffer',
    reject: false,
    // POSIX: the child leads its own process group, so the whole tree can be signalled at once.
    // Windows: detached would give the child its own console; taskkill /T finds the tree instead.
    detached: platform !== 'win32',
    cleanup: true,
    windowsHide: true,
    windowsVerbatimArguments: command.windowsVerbatimArguments ?? false,
  });
  const pid = subprocess.pid;
  let untrack = () => {};
  if (pid !== undefined) {
    untrack = killProcessTreeOnExit(pid, platform);
    ctx.setPid?.(pid);
    ctx.logger.debug('Process started', { pid, executable: ctx.redact(command.file) });
  }

  let killing: Promise<void> | undefined;
  let streamTimer: NodeJS.Timeout | undefined;
  let sinkError: Error | undefined;
  let settled = false;
  const stop = () => {
    if (killing || pid === undefined) return;
    killing = killProcessTree(pid, platform, graceMs).then(() => {
      // A process that left the tree (setsid, a daemon) may still hold the output pipes open;
      // stop waiting for them once the tree is gone.
      if (settled) return;
      streamTimer = setTimeout(() => {
        subprocess.stdout.destroy();
        subprocess.stderr.destroy();
      }, graceMs);
    });
  };
  const onSinkError = (error: Error) => {
    sinkError ??= error;
    stop();
  };
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    const [result] = await Promise.all([
      subprocess,
      copy(subprocess.stdout, ctx.output.stdout, onSinkError),
      copy(subprocess.stderr, ctx.output.stderr, onSinkError),
    ]);
    ctx.logger.debug('Process ended', { pid, exitCode: result.exitCode, signal: result.signal });
    await killing;
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (sinkError) return { ok: false, error: ctx.redact(`Could not write the process output: ${sinkError.message}`) };
    return outcome(ctx, result, executable);
  } finally {
    settled = true;
    ctx.signal.removeEventListener('abort', stop);
    clearTimeout(streamTimer);
    untrack();
  }
}

/**
 * Pipes `source` into `sink` (pipe handles backpressure: the child blocks on a full pipe rather
 * than the engine buffering) without ending the sink, which belongs to the engine. Resolves once
 * every chunk was accepted by the sink: the callback of a final empty write runs only after all
 * earlier writes completed.
 */
function copy(source: Readable, sink: NodeJS.WritableStream, onSinkError: (error: Error) => void): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      sink.removeListener('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      source.unpipe();
      source.resume(); // keep reading so the child never blocks on a pipe nobody drains
      onSinkError(error);
      finish();
    };
    sink.on('error', onError);
    source.pipe(sink, { end: false });
    source.once('close', () => {
      if (!done) sink.write(new Uint8Array(0), finish);
    });
  });
}

function outcome(ctx: RunContext<ProcessJob>, result: Result, executable: string): RunnerOutcome {
  if (result.exitCode !== undefined) {
    const expected = ctx.job.successExitCodes?.length ? ctx.job.successExitCodes : [0];
    if (expected.includes(result.exitCode)) return { ok: true, exitCode: result.exitCode };
    const list = expected.length === 1 ? String(expected[0]) : `one of ${expected.join(', ')}`;
    return { ok: false, exitCode: result.exitCode, error: `Process exited with code ${result.exitCode} (expected ${list})` };
  }
  if (result.signal) return { ok: false, exitCode: null, error: `Process was ended by signal ${result.signal}` };
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT') return failure(ctx, `Executable \`${executable}\` was not found (searched PATH)`);
  if (code === 'EACCES') return failure(ctx, `Executable \`${executable}\` could not be started: permission denied (is it executable?)`);
  const reason = (result as { originalMessage?: string }).originalMessage ?? 'unknown error';
  return { ok: false, exitCode: null, error: ctx.redact(`Process \`${executable}\` could not be started: ${reason}`) };
}

function failure(ctx: RunContext<ProcessJob>, error: string): RunnerOutcome {
  return { ok: false, retryable: false, error: ctx.redact(error) };
}

function notAllowed(ctx: RunContext<ProcessJob>, executable: string): RunnerOutcome {
  return failure(ctx, `Executable \`${executable}\` is not in the allowed executables list (settings.allowedExecutables)`);
}

/**
 * An empty list allows everything. Otherwise an entry must equal one of the configured spellings
 * exactly, or name the same file as the resolved path (case-insensitively on Windows).
 */
function isAllowed(allowed: string[], spellings: string[], resolved: string, platform: NodeJS.Platform): boolean {
  if (allowed.length === 0) return true;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const normal = (file: string) => {
    const full = pathApi.resolve(file);
    return platform === 'win32' ? full.toLowerCase() : full;
  };
  const target = normal(resolved);
  return allowed.some((entry) => spellings.includes(entry) || (pathApi.isAbsolute(entry) && normal(entry) === target));
}

/**
 * Finds the file that will run, as the OS would: a name with a directory part resolves against
 * the working directory; a bare name is searched on PATH (on Windows the working directory first,
 * and with each PATHEXT extension, so `backup` finds `backup.cmd`). The full path is what the
 * allowlist checks and what is spawned, so the two cannot differ.
 */
function resolveExecutable(name: string, cwd: string, env: Record<string, string>, platform: NodeJS.Platform): string | undefined {
  const windows = platform === 'win32';
  const pathApi = windows ? path.win32 : path.posix;
  const hasDirectory = windows ? /[\\/]/.test(name) : name.includes('/');
  const pathVariable = environmentValue(env, 'PATH', platform) ?? '';
  const directories = hasDirectory
    ? [cwd]
    : [...(windows ? [cwd] : []), ...pathVariable.split(pathApi.delimiter).filter((dir) => pathApi.isAbsolute(dir))];
  const pathExt = (environmentValue(env, 'PATHEXT', platform) ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  const extensions = windows ? [...(pathApi.extname(name) ? [''] : []), ...pathExt] : [''];
  for (const directory of directories) {
    for (const extension of extensions) {
      const candidate = pathApi.resolve(directory, name + extension);
      if (isRunnableFile(candidate, windows || hasDirectory)) return candidate;
    }
  }
  return undefined;
}

/** An explicit path only has to exist (spawn reports a missing execute bit); a PATH hit must be executable. */
function isRunnableFile(file: string, existenceIsEnough: boolean): boolean {
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
  if (existenceIsEnough) return true;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
