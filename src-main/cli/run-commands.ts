/**
 * CLI commands about runs: trigger, runs, show, cancel. With an engine serving the data folder
 * they go through the store (that engine starts the run within a second); otherwise `trigger`
 * runs the job in this process.
 */
import { MAX_PAGE } from '../api/handler-args.ts';
import { MAX_TIMEOUT_SECONDS } from '../engine/config/job-schema.ts';
import { outputIncomplete } from '../engine/runs/executor.ts';
import { DataFolderBusyError, type LeaseHolder } from '../engine/store/lease.ts';
import { RUN_STATUSES, type Run, type RunStatus } from '../engine/types.ts';
import { notificationsOf } from '../engine/notify/history.ts';
import { notificationJson, notificationLines } from './notify-commands.ts';
import { intFlag, required, stdinValue, UsageError, type CliContext } from './context.ts';
import { RUN_HEADERS, runJson, runRow, table } from './format.ts';

/**
 * The "run now" values: each `--param NAME=VALUE`, and with `--param-stdin NAME` one value read
 * from standard input (a password, which the command line would show to anyone).
 */
async function parameterFlags(ctx: CliContext): Promise<Record<string, string> | undefined> {
  const raw = ctx.flags.param;
  const entries = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map((pair: unknown) => {
    const text = String(pair);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`Expected --param NAME=VALUE, got \`${text}\``);
    return [text.slice(0, eq), text.slice(eq + 1)] as const;
  });
  const names = entries.map(([name]) => name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new UsageError(`--param ${twice} was given more than once; give each parameter once`);
  const piped = ctx.flags['param-stdin'];
  if (piped !== undefined) {
    if (typeof piped !== 'string' || piped === '' || piped.includes('=')) throw new UsageError(`Expected --param-stdin NAME, got \`${String(piped)}\``);
    if (entries.some(([name]) => name === piped)) throw new UsageError(`Give ${piped} with --param or with --param-stdin, not both`);
    entries.push([piped, await stdinValue(ctx, '--param-stdin', 'nothing was run')]);
  }
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function printRun(ctx: CliContext, run: Run): void {
  if (ctx.flags.json) ctx.out(JSON.stringify(runJson(run), null, 2));
  else ctx.out(table(RUN_HEADERS, [runRow(run)]));
}

/** `trigger NAME [--wait] [--json] [--param N=V] [--param-stdin N] [--timeout S]`. */
export async function trigger(ctx: CliContext): Promise<number> {
  const name = required(ctx, 0, 'NAME (the schedule to run)');
  // The schedule file's limit: the engine takes a run-now timeout as given.
  const timeout = ctx.flags.timeout === undefined ? undefined : intFlag(ctx, 'timeout', 0, MAX_TIMEOUT_SECONDS);
  const parameters = await parameterFlags(ctx);
  const wait = ctx.flags.wait === true;
  const engine = ctx.engine();
  let chainId: string | undefined;
  const runFilter = (r: Run) => r.chainId === chainId && (wait || r.id === chainId);
  // With no engine serving the folder, take it before admitting the run: starting records runs a
  // crashed engine left `running` as interrupted, so they cannot block this one (overlap: skip).
  let holder = ctx.servingEngine() ?? (await startHere(ctx, runFilter));
  const run = engine.trigger(name, {
    triggeredBy: `cli:${process.env.USERNAME ?? process.env.USER ?? 'unknown'}`,
    parameters,
    timeoutSeconds: timeout,
  });
  chainId = run.chainId;
  if (run.status === 'skipped') {
    printRun(ctx, run);
    return 1;
  }
  while (holder) {
    const followed = await followHolder(ctx, run, wait);
    if (followed) {
      if (!wait) ctx.err(`Run ${run.id} was started by the engine serving this folder (pid ${holder.pid})`);
      printRun(ctx, followed);
      return !wait || followed.status === 'succeeded' ? 0 : 1;
    }
    holder = await startHere(ctx, runFilter);
  }
  // Ctrl+C or SIGTERM while the job runs here: cancel it, so its process tree (detached, so the
  // terminal's signal misses it) ends and the run is recorded, instead of staying `running`.
  const interrupt = (signal: NodeJS.Signals) => {
    for (const r of engine.listRuns({ chainId: run.chainId, limit: 1000 })) {
      if (r.status === 'queued' || r.status === 'running') engine.cancel(r.id, `cli:${signal}`);
    }
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    const last = wait ? await engine.waitForChain(run.id) : await waitForRun(ctx, run.id);
    printRun(ctx, last);
    return !wait || last.status === 'succeeded' ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
  }
}

/**
 * Starts the engine in this process to run one trigger's chain. If another process took the
 * folder first (another `trigger`, or a `serve` just starting), returns that holder instead.
 */
async function startHere(ctx: CliContext, runFilter: (run: Run) => boolean): Promise<LeaseHolder | undefined> {
  try {
    await ctx.engine().start({ scheduling: false, runFilter });
    return undefined;
  } catch (error) {
    if (!(error instanceof DataFolderBusyError)) throw error;
    return error.holder;
  }
}

/**
 * Follows a run left to the engine holding the folder: until it has started, or with --wait until
 * its retry chain has ended. Undefined when the holder lets go first: it may be another `trigger`
 * running only its own job in-process, which never starts ours, so the caller runs it here.
 */
async function followHolder(ctx: CliContext, run: Run, wait: boolean): Promise<Run | undefined> {
  for (;;) {
    const chain = ctx.engine().listRuns({ chainId: run.chainId, limit: 1000 });
    const last = chain.reduce((a, b) => (b.attempt > a.attempt ? b : a));
    const ended = last.status !== 'queued' && last.status !== 'running';
    if (ended || (!wait && last.status !== 'queued')) return last;
    if (!ctx.servingEngine()) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForRun(ctx: CliContext, runId: string): Promise<Run> {
  for (;;) {
    const run = ctx.engine().getRun(runId);
    if (run.status !== 'queued' && run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `runs [--schedule NAME] [--status S] [--limit N] [--json]`, newest first. */
export function runs(ctx: CliContext): number {
  const status = ctx.flags.status;
  if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
    throw new UsageError(`Expected --status to be one of ${RUN_STATUSES.join(', ')}, got \`${String(status)}\``);
  }
  const limit = intFlag(ctx, 'limit', 50, MAX_PAGE);
  const scheduleName = typeof ctx.flags.schedule === 'string' ? ctx.flags.schedule : undefined;
  const engine = ctx.engine();
  const list = engine.listRuns({
    scheduleId: scheduleName ? engine.getSchedule(scheduleName).id : undefined,
    statuses: status ? [status as RunStatus] : undefined,
    limit,
  });
  if (ctx.flags.json) ctx.out(JSON.stringify(list.map(runJson), null, 2));
  else if (list.length === 0) ctx.out('No runs.');
  else ctx.out(table(RUN_HEADERS, list.map(runRow)));
  return 0;
}

/** `show RUN_ID [--output] [--json]`: the run, and with --output its captured output. */
export async function show(ctx: CliContext): Promise<number> {
  const id = required(ctx, 0, 'RUN_ID');
  const engine = ctx.engine();
  const run = engine.getRun(id);
  const notifications = notificationsOf(engine.store, id);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify({ ...runJson(run), notifications: notifications.map(notificationJson) }, null, 2));
  } else {
    const json = runJson(run);
    for (const [key, value] of Object.entries(json)) {
      if (value === null || value === undefined) continue;
      ctx.out(`${key.padEnd(13)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    }
    if (notifications.length) {
      ctx.out('notifications');
      for (const line of notificationLines(notifications)) ctx.out(`  ${line}`);
    }
  }
  if (ctx.flags.output) {
    for (const stream of ['stdout', 'stderr'] as const) {
      const { text, totalBytes } = await engine.readOutput(id, stream);
      const incomplete = outputIncomplete(run.errorDetail, stream);
      ctx.out(`----- ${stream} (${totalBytes} bytes${incomplete ? '; INCOMPLETE: the rest could not be written, see errorDetail' : ''}) -----`);
      if (text) ctx.out(text.trimEnd());
      // The file stops where writing failed; the run row still holds the stream's last 4 KB.
      const tail = stream === 'stdout' ? run.stdoutTail : run.stderrTail;
      if (incomplete && tail && !text.endsWith(tail)) {
        ctx.out(`----- ${stream}: its last ${Buffer.byteLength(tail, 'utf8')} bytes, kept in the run -----`);
        ctx.out(tail.trimEnd());
      }
    }
  }
  return 0;
}

/** `cancel RUN_ID`. */
export function cancel(ctx: CliContext): number {
  const id = required(ctx, 0, 'RUN_ID');
  const before = ctx.engine().getRun(id);
  if (before.status !== 'queued' && before.status !== 'running') {
    throw new Error(`Run ${id} has already ended (${before.status})`);
  }
  const after = ctx.engine().cancel(id, `cli:${process.env.USERNAME ?? process.env.USER ?? 'unknown'}`);
  ctx.out(after.status === 'cancelled' ? `Cancelled ${id}` : `Cancel requested for ${id}; the serving engine will end it`);
  return 0;
}
