/**
 * The one interface every runner (process, http, sql, and test doubles) implements. The engine
 * owns the run row, timeouts, retries and cancellation; a runner only does the work.
 */
import type { JobSpec, Run } from '../types.ts';
import type { Logger } from '../logger.ts';
import type { TemplateValues } from '../params/template.ts';

/** Where a runner writes what the job prints; the engine caps and persists it. */
export interface OutputSink {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface RunContext<J extends JobSpec = JobSpec> {
  run: Readonly<Run>;
  /** The job as configured; the runner substitutes `values` into the fields that take them. */
  job: J;
  /** Parameter values by name (static, built-ins, resolved queries, overrides). */
  values: TemplateValues;
  /** Aborts on timeout, cancel and shutdown; `signal.reason` says which. */
  signal: AbortSignal;
  output: OutputSink;
  logger: Logger;
  /** Secret values to keep out of anything the runner writes. */
  redact(text: string): string;
  /** Called by a runner once the work has an OS process id (for the run row and tree kills). */
  setPid?(pid: number): void;
}

/** What a runner reports when the work ran to an end (success or not). */
export interface RunnerOutcome {
  ok: boolean;
  exitCode?: number | null;
  /** Why it failed, in words an operator understands. */
  error?: string;
  errorDetail?: string;
  /** Data the runner returns (HTTP status, SQL result sets), stored as JSON. */
  result?: unknown;
  /** False when retrying cannot help (a 404, bad configuration). Default true. */
  retryable?: boolean;
  /** A minimum delay the job asked for before a retry (HTTP Retry-After), ms. */
  retryAfterMs?: number;
}

export interface Runner<J extends JobSpec = JobSpec> {
  readonly type: J['type'];
  /**
   * Does the work. Resolves with the outcome; throws (or rejects) only for unexpected errors,
   * which the engine records as failures. Must stop promptly when `ctx.signal` aborts.
   */
  run(ctx: RunContext<J>): Promise<RunnerOutcome>;
}
