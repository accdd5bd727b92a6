/**
 * Runs one started run to its end: resolves parameters, opens the output files, arms the time
 * limit, calls the runner with an AbortSignal, and turns whatever happened into the run's final
 * status. It never throws: every failure becomes a recorded outcome.
 */
import { stat } from 'node:fs/promises';
import { sleepMonotonic, type Clock } from '../clock.ts';
import { NonRetryableError, RunCancelledError, RunTimeoutError, toError } from '../errors.ts';
import { redactingLogger, type Logger } from '../logger.ts';
import { resolveRunValues, secretRunValues, type QueryResolver } from '../params/values.ts';
import type { Redactor, RunRedactor } from '../redact.ts';
import type { Runner, RunnerOutcome } from '../runners/runner.ts';
import { createRunOutput, type OutputStream, type RunOutput } from '../store/output-files.ts';
import type { RunFinish } from '../store/runs-repo.ts';
import type { JobType, Run, RunStatus, Schedule } from '../types.ts';

export interface ExecutorDeps {
  clock: Clock;
  logger: Logger;
  runners: ReadonlyMap<JobType, Runner>;
  runsDir: string;
  outputCapBytes: number;
  redactor: Redactor;
  resolveQuery?: QueryResolver;
  setPid: (runId: string, pid: number) => void;
}

/** The end of a run plus what the retry decision needs. */
export interface ExecutionResult extends RunFinish {
  retryable: boolean;
  retryAfterMs?: number;
}

/** Why a run's time limit is disarmed: it ended first. */
const RUN_ENDED = 'run ended';

/** Shutdown is a cancellation nobody asked for: the run is recorded as interrupted. */
export const SHUTDOWN = 'shutdown';

/** The time limit for a run: its own override, else the job's timeout, else the schedule's. */
export function effectiveTimeoutSeconds(schedule: Schedule, run: Run): number | undefined {
  return run.timeoutSeconds ?? schedule.job.timeoutSeconds ?? schedule.timeoutSeconds;
}

/** Executes `run` (already marked running) and returns how it ended. */
export async function executeRun(
  deps: ExecutorDeps,
  schedule: Schedule,
  run: Run,
  controller: AbortController,
): Promise<ExecutionResult> {
  let log = deps.logger.child({ scheduleId: schedule.id, schedule: schedule.name, runId: run.id, runner: schedule.job.type });
  // The engine's secrets, and once the values are known, the run's own secret parameters too.
  let redactor: RunRedactor = deps.redactor;
  const redact = (text: string) => redactor.redact(text);
  const output = createRunOutput(deps.runsDir, run.id, deps.outputCapBytes, { redact });
  const timeoutSeconds = effectiveTimeoutSeconds(schedule, run);
  const timer = timeoutSeconds === undefined ? undefined : new AbortController();
  if (timer && timeoutSeconds !== undefined) {
    sleepMonotonic(deps.clock, timeoutSeconds * 1000, timer.signal).then(
      () => controller.abort(new RunTimeoutError(timeoutSeconds)),
      () => {},
    );
  }
  let outcome: RunnerOutcome | undefined;
  let thrown: Error | undefined;
  let outputError: Error | undefined;
  try {
    const runner = deps.runners.get(schedule.job.type);
    if (!runner) throw new NonRetryableError(`No runner is available for job type '${schedule.job.type}'`);
    const values = await resolveRunValues(schedule, run, deps.clock.now(), schedule.timezone ?? 'UTC', controller.signal, deps.resolveQuery);
    const ownSecrets = secretRunValues(schedule, values);
    if (ownSecrets.length > 0) {
      redactor = deps.redactor.including(ownSecrets);
      log = redactingLogger(log, redactor);
    }
    log.info('Run started', { attempt: run.attempt, trigger: run.trigger });
    outcome = await runner.run({
      run,
      job: schedule.job,
      values,
      signal: controller.signal,
      output,
      logger: log,
      redact,
      setPid: (pid) => deps.setPid(run.id, pid),
    });
  } catch (error) {
    thrown = toError(error);
  } finally {
    // A reason of our own: abort() without one builds a DOMException, with a stack, every run.
    timer?.abort(RUN_ENDED);
    await output.close().catch((error: unknown) => {
      outputError = toError(error);
      log.warn('Could not close run output', { error: outputError.message });
    });
  }
  const tails = output.tails();
  const result = classify(outcome, thrown, controller.signal);
  // The job's own status stands (it may well have succeeded); the lost output is said in the detail.
  const lost = await lostOutputNote(output, tails, deps.outputCapBytes, outputError);
  if (lost) result.errorDetail = result.errorDetail ? `${lost}\n${result.errorDetail}` : lost;
  // Every field, always in this order. A spread plus keys the source lacks gives each run's
  // object a hidden class of its own, which V8 keeps alive past the young generation.
  const finished: ExecutionResult = {
    status: result.status,
    finishedAt: deps.clock.now(),
    exitCode: result.exitCode ?? null,
    error: result.error === undefined || result.error === null ? null : redact(result.error),
    errorDetail: result.errorDetail ? redact(result.errorDetail) : null,
    stdoutTail: tails.stdout || null,
    stderrTail: tails.stderr || null,
    result: result.result,
    retryable: result.retryable,
    retryAfterMs: result.retryAfterMs,
  };
  const level = finished.status === 'succeeded' ? 'info' : 'warn';
  log[level](`Run ${finished.status}`, { exitCode: finished.exitCode, error: finished.error });
  return finished;
}

/** How each line of a run's `errorDetail` saying that a stream's output was lost begins. */
const LOST_OUTPUT = 'Output incomplete';

/** Whether `errorDetail` says that some of `stream`'s output could not be written (disk full). */
export function outputIncomplete(errorDetail: string | null, stream: OutputStream): boolean {
  return errorDetail?.split('\n').some((line) => line.startsWith(`${LOST_OUTPUT} (${stream})`)) ?? false;
}

/**
 * One line per stream whose file holds less than the stream received (its cap aside) while its
 * tail alone does not hold it all either, e.g. `Output incomplete (stdout): Cannot keep run output
 * in …: ENOSPC …; 8192 of 15000 bytes kept in its file, and the last 4096 in the run`.
 */
async function lostOutputNote(
  output: RunOutput,
  tails: { stdout: string; stderr: string },
  capBytes: number,
  error: Error | undefined,
): Promise<string | undefined> {
  const received = output.bytes();
  const lines: string[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const tailBytes = Buffer.byteLength(tails[stream], 'utf8');
    // The tail holds it all: lost only if a file (which readers prefer) exists and fell short,
    // which can only be when closing failed; no stat for every short run.
    const inTail = received[stream] <= tailBytes;
    if (received[stream] === 0 || (inTail && !error)) continue;
    const file = output.paths[stream];
    const size = (await stat(file).catch(() => undefined))?.size;
    if ((inTail && size === undefined) || (size ?? 0) >= Math.min(received[stream], capBytes)) continue;
    const inFile = size ?? 0;
    const cause = error?.message.includes(file) ? `${error.message}; ` : '';
    lines.push(`${LOST_OUTPUT} (${stream}): ${cause}${inFile} of ${received[stream]} bytes kept in its file, and the last ${tailBytes} in the run`);
  }
  return lines.length ? lines.join('\n') : undefined;
}

function classify(
  outcome: RunnerOutcome | undefined,
  thrown: Error | undefined,
  signal: AbortSignal,
): Omit<ExecutionResult, 'finishedAt'> {
  if (signal.aborted) {
    const reason = signal.reason as unknown;
    const status: RunStatus =
      reason instanceof RunTimeoutError ? 'timed_out'
      : reason instanceof RunCancelledError && reason.by === SHUTDOWN ? 'interrupted'
      : 'cancelled';
    const message = reason instanceof RunCancelledError && reason.by === SHUTDOWN
      ? 'Interrupted: Batchlight stopped before the run ended (its process tree was ended)'
      : toError(reason).message;
    return { status, error: message, exitCode: outcome?.exitCode ?? null, retryable: status !== 'cancelled' };
  }
  if (thrown) {
    return {
      status: 'failed',
      error: thrown.message,
      errorDetail: thrown.stack ?? null,
      retryable: !(thrown instanceof NonRetryableError),
    };
  }
  const o = outcome!;
  return {
    status: o.ok ? 'succeeded' : 'failed',
    exitCode: o.exitCode ?? null,
    error: o.ok ? null : (o.error ?? 'The job reported a failure'),
    errorDetail: o.errorDetail ?? null,
    result: o.result,
    retryable: !o.ok && o.retryable !== false,
    retryAfterMs: o.retryAfterMs,
  };
}
