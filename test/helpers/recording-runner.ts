/**
 * A runner for scheduling tests: it does no work, it writes down when and how the engine called
 * it. Registered as type 'process' it replaces the real process runner, so the whole engine
 * (store, occurrence loop, dispatcher, executor) runs on a fake clock without child processes;
 * the process runner itself is tested with real processes in test/runners/. Also here: the two
 * steps every such test repeats, moving the fake clock and letting the engine catch up.
 */
import type { Clock } from '../../src-main/engine/clock.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import type { Runner, RunContext, RunnerOutcome } from '../../src-main/engine/runners/runner.ts';
import type { RunTrigger } from '../../src-main/engine/types.ts';
import type { FakeClock } from './fake-clock.ts';

/** One call of the runner, as the engine made it. */
export interface RecordedCall {
  runId: string;
  scheduleName: string;
  scheduledFor: number;
  attempt: number;
  trigger: RunTrigger;
  /** The clock's wall time when the runner was called. */
  calledAt: number;
}

/** Decides a call's outcome; the default succeeds. */
export type Script = (call: RecordedCall) => RunnerOutcome;

export interface RecordingRunnerOptions {
  script?: Script;
  /** Event-loop turns each call stays in progress, so that overlapping calls would be seen. */
  holdTurns?: number;
  /** Written to the run's stdout (kept in the row up to 4 KB, in its file beyond). */
  stdout?: string;
}

/** The runner plus what it recorded. */
export interface RecordingRunner extends Runner {
  readonly calls: RecordedCall[];
  /** The most calls ever in progress at once. */
  maxConcurrent(): number;
}

const QUIET_TURNS = 5;

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

/**
 * Lets the engine's asynchronous half catch up after the fake clock moved: the dispatcher's
 * coalesced passes (setImmediate), the executor's awaits and output files. Resolves once no run
 * has been running for a few event-loop turns (a requested dispatch pass happens within one);
 * a queued run that is due but that the engine does not start is left for the test to see.
 */
export async function settle(engine: Engine, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < QUIET_TURNS; ) {
    await turn();
    quiet = engine.state().running === 0 ? quiet + 1 : 0;
    if (Date.now() > until) throw new Error(`The engine did not settle within ${timeoutMs} ms: ${JSON.stringify(engine.state())}`);
  }
}

/** Moves `clock` forward `totalMs` in steps of `stepMs`, letting the engine settle after each. */
export async function advanceInSteps(engine: Engine, clock: FakeClock, totalMs: number, stepMs: number): Promise<void> {
  for (let done = 0; done < totalMs; done += stepMs) {
    clock.advance(Math.min(stepMs, totalMs - done));
    await settle(engine);
  }
}
