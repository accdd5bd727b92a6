/**
 * A runner for scheduling tests: it does no work, it writes down when and how the engine called
 * it. Registered as type 'process' it replaces the real process runner, so the whole engine
 * (store, occurrence loop, dispatcher, executor) runs on a fake clock without child processes;
 * the process runner itself is tested with real processes in test/runners/.
 */
import type { Clock } from '../../src-main/engine/clock.ts';
import type { Runner, RunContext, RunnerOutcome } from '../../src-main/engine/runners/runner.ts';
import type { RunTrigger } from '../../src-main/engine/types.ts';

/** One call of the runner, as the engine made it. */
export interface RecordedCall {
  runId: string;
  scheduleName: string;
  scheduledFor: number;
  attempt: number;
  trigger: RunTrigger;
  /** The clock's wall time when the runner was called. */
  calledAt: number;
  /** How many calls (this one included) were in progress when it was called. */
  concurrent: number;
}

/** Decides a call's outcome; the default succeeds. */
export type Script = (call: RecordedCall) => RunnerOutcome;

export interface RecordingRunnerOptions {
  script?: Script;
  /** Event-loop turns each call stays in progress, so that overlapping calls would be seen. */
  holdTurns?: number;
  /** Written to the run's stdout, so that the run has an output file. */
  stdout?: string;
}

/** The runner plus what it recorded. */
export interface RecordingRunner extends Runner {
  readonly calls: RecordedCall[];
  /** The most calls ever in progress at once. */
  maxConcurrent(): number;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Creates a 'process' runner that records each call with `clock`'s wall time. */
export function createRecordingRunner(clock: Clock, options: RecordingRunnerOptions = {}): RecordingRunner {
  const calls: RecordedCall[] = [];
  let inProgress = 0;
  let most = 0;
  return {
    type: 'process',
    calls,
    maxConcurrent: () => most,
    async run(ctx: RunContext): Promise<RunnerOutcome> {
      inProgress += 1;
      most = Math.max(most, inProgress);
      const { run } = ctx;
      const call: RecordedCall = {
        runId: run.id,
        scheduleName: run.scheduleName,
        scheduledFor: run.scheduledFor,
        attempt: run.attempt,
        trigger: run.trigger,
        calledAt: clock.now(),
        concurrent: inProgress,
      };
      calls.push(call);
      try {
        if (options.stdout) ctx.output.stdout.write(options.stdout);
        for (let i = 0; i < (options.holdTurns ?? 0); i += 1) await turn();
        return options.script ? options.script(call) : { ok: true };
      } finally {
        inProgress -= 1;
      }
    },
  };
}
