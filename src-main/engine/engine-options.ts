/**
 * The options an engine is created and started with, and what its list view returns (kept out of
 * engine.ts, which re-exports them, so the facade stays one screenful of wiring).
 */
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { NotifierOptions } from './notify/notifier.ts';
import type { QueryResolver } from './params/values.ts';
import type { Runner } from './runners/runner.ts';
import type { SecretBoxOptions } from './store/secrets.ts';
import type { Run, Schedule } from './types.ts';

/** How createEngine is configured; every field has a default. */
export interface EngineOptions {
  /** The data folder; default per platform (see store/data-folder.ts). */
  dataDir?: string;
  clock?: Clock;
  logger?: Logger;
  /** Runners by job type; these replace the built-in ones of the same type. */
  runners?: Runner[];
  resolveQuery?: QueryResolver;
  host?: string;
  random?: () => number;
  /** How often to look for changes written by another process, ms. */
  pollMs?: number;
  secretOptions?: SecretBoxOptions;
  /** E-mail and webhook notifications while started: on by default; `false` turns them off. */
  notifications?: false | Pick<NotifierOptions, 'delivery' | 'closeTimeoutMs'>;
}

/** Options of one manual run. */
export interface TriggerOptions {
  triggeredBy?: string;
  /** Parameter values for this run only. */
  parameters?: Record<string, string>;
  /** A time limit for this run only. */
  timeoutSeconds?: number;
}

/** How start() serves: the CLI's one-off trigger plans nothing and starts only its own runs. */
export interface StartOptions {
  /** Plan cron occurrences (false for the CLI's one-off trigger). */
  scheduling?: boolean;
  /** Only start queued runs this accepts. */
  runFilter?: (run: Run) => boolean;
}

/** A schedule with what a list view shows next to it. */
export interface ScheduleStatus {
  schedule: Schedule;
  nextRunAt: number | null;
  lastRun: Run | undefined;
}
