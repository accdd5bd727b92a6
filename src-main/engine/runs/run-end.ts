/**
 * Recording how a run ended: its final row and, when its retry policy allows another attempt,
 * the retry as a queued row due later, in the caller's transaction. The decision is noted in the
 * run's error detail ("retry 2/3 at …", "not retried: …"), so the run view says what comes next.
 */
import type { RunsRepo } from '../store/runs-repo.ts';
import type { Run, Schedule } from '../types.ts';
import { newRun } from './admission.ts';
import type { ExecutionResult } from './executor.ts';
import { decideRetry } from './retry-policy.ts';

/** A recorded end, and the retry it queued. */
export interface Recorded {
  /** The run as now stored; undefined if it had already ended. */
  ended: Run | undefined;
  retry: Run | undefined;
}

export interface RunEndDeps {
  runs: RunsRepo;
  host: string;
  random: () => number;
}

/** Stores the end of `run` and its retry if one is due; call inside a transaction. */
export function recordRunEnd(deps: RunEndDeps, schedule: Schedule, run: Run, result: ExecutionResult): Recorded {
  const { runs } = deps;
  let retry: Run | undefined;
  let note: string | undefined;
  if (result.retryable && ['failed', 'timed_out', 'interrupted'].includes(result.status)) {
    const decision = decideRetry({
      policy: schedule.retry,
      attempt: run.attempt,
      finishedAt: result.finishedAt,
      chainStartedAt: runs.chainStartedAt(run.chainId) ?? run.startedAt ?? result.finishedAt,
      retryAfterMs: result.retryAfterMs,
      random: deps.random,
    });
    if (decision.retry) {
      retry = {
        ...newRun(schedule, { trigger: 'retry', scheduledFor: decision.dueAt }, deps.host, result.finishedAt),
        attempt: run.attempt + 1,
        chainId: run.chainId,
        triggeredBy: run.triggeredBy,
        dueAt: decision.dueAt,
        parameterOverrides: run.parameterOverrides,
        timeoutSeconds: run.timeoutSeconds,
      };
      runs.insert(retry);
      note = `retry ${retry.attempt}/${schedule.retry.maxRetries} at ${new Date(decision.dueAt).toISOString()}`;
    } else if (schedule.retry.maxRetries > 0) {
      note = `not retried: ${decision.why}`;
    }
  }
  const ended = runs.finish(run, { ...result, errorDetail: joinDetail(result.errorDetail, note) });
  return { ended, retry };
}

function joinDetail(detail: string | null | undefined, note: string | undefined): string | null {
  if (!note) return detail ?? null;
  return detail ? `${note}\n${detail}` : note;
}

/**
 * The end of a run a crash left `running`, found at the next start: interrupted, retryable, with
 * its last heartbeat and what became of its process (`processNote`, from orphans.ts).
 */
export function crashEnd(run: Run, processNote: string | undefined, now: number): ExecutionResult {
  const last = run.heartbeatAt ?? run.startedAt;
  const when = last ? ` (last heartbeat ${new Date(last).toISOString()})` : '';
  const pid = processNote ?? (run.pid ? `; its process ${run.pid} may still be running` : '');
  return { status: 'interrupted', finishedAt: now, error: `Interrupted: Batchlight stopped unexpectedly while the run was running${when}${pid}`, retryable: true };
}
