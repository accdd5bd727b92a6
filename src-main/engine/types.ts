/**
 * The engine's domain types: what a schedule is, what a run is, and the settings that shape
 * both. The schedule file (config/), the store (store/), the runners and every UI speak these.
 */

/** Every status a run row can hold; terminal ones never change again. */
export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'skipped',
  'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses after which a run never changes. */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'skipped',
  'interrupted',
]);

/** Why a run exists. */
export type RunTrigger = 'schedule' | 'manual' | 'retry' | 'catch_up';

/** Why an occurrence did not run. */
export type SkipReason = 'overlap' | 'misfire' | 'paused';

export type OverlapPolicy = 'skip' | 'queue' | 'parallel';
export type MisfirePolicy = 'fire_once' | 'skip' | 'fire_all';

export type ParameterType =
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'bit'
  | 'string'
  | 'nvarchar'
  | 'varchar'
  | 'datetime'
  | 'datetime2'
  | 'date'
  | 'uniqueidentifier';

/** A schedule-level parameter: a static value, or (SQL issue) a query resolved at run time. */
export interface ScheduleParameter {
  name: string;
  type: ParameterType;
  value?: string | null;
  secret?: boolean;
  query?: { connection: string; sql: string };
  cacheSeconds?: number;
  default?: string | null;
}

export interface ProcessJob {
  type: 'process';
  executablePath: string;
  arguments: string[];
  workingDirectory?: string;
  environment?: Record<string, string>;
  successExitCodes?: number[];
  shell?: boolean;
  timeoutSeconds?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export type HttpAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKey'; name: string; value: string; in: 'header' | 'query' };

export interface HttpJob {
  type: 'http';
  url: string;
  method: HttpMethod;
  headers?: Record<string, string>;
  secretHeaders?: string[];
  auth?: HttpAuth;
  body?: string;
  contentType?: string;
  timeoutSeconds?: number;
  successStatus?: string[];
  expect?: {
    jsonPath?: string;
    equals?: unknown;
    notEquals?: unknown;
    exists?: boolean;
    bodyMatches?: string;
    bodyNotMatches?: string;
  };
  maxResponseBytes?: number;
  tls?: { rejectUnauthorized?: boolean; caFile?: string };
  proxy?: string;
}

export type SqlDirection = 'input' | 'output' | 'inputOutput';

export interface SqlJobParameter {
  name: string;
  type: ParameterType;
  value?: string | null;
  direction?: SqlDirection;
  length?: number;
  precision?: number;
  scale?: number;
}

export interface SqlJob {
  type: 'sql';
  connection: string;
  procedure: string;
  kind?: 'procedure' | 'function';
  parameters?: SqlJobParameter[];
  captureResultSets?: boolean;
  maxRows?: number;
  timeoutSeconds?: number;
}

export type JobSpec = ProcessJob | HttpJob | SqlJob;
export type JobType = JobSpec['type'];

export interface RetryPolicy {
  maxRetries: number;
  delaySeconds: number;
  multiplier: number;
  jitter: number;
  maxDelaySeconds: number;
  maxTotalSeconds?: number;
}

export type NotifyEvent =
  | 'failure'
  | 'retries_exhausted'
  | 'success'
  | 'recovered'
  | 'long_running'
  | 'skipped';

export interface NotifySpec {
  email?: { to: string[]; cc?: string[]; on?: NotifyEvent[] };
  webhook?: { target: string; on?: NotifyEvent[] };
  longRunningSeconds?: number;
}

/** A schedule as written in the schedule file (and returned by export). */
export interface ScheduleSpec {
  name: string;
  description?: string;
  cron: string;
  timezone?: string;
  enabled: boolean;
  tags: string[];
  job: JobSpec;
  parameters: ScheduleParameter[];
  timeoutSeconds?: number;
  retry: RetryPolicy;
  overlap: OverlapPolicy;
  maxParallel?: number;
  misfire: MisfirePolicy;
  misfireThresholdSeconds: number;
  priority: number;
  notify?: NotifySpec;
}

/** A schedule as the store holds it: the spec plus its identity and live state. */
export interface Schedule extends ScheduleSpec {
  id: string;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
  /** The last cron occurrence (epoch ms) the engine has handled, run or skipped. */
  lastOccurrence: number | null;
}

export interface ConnectionSpec {
  name: string;
  type: 'sqlserver' | 'postgres';
  connectionString: string;
}

/** One row of run history. Times are epoch milliseconds (UTC). */
export interface Run {
  id: string;
  scheduleId: string;
  scheduleName: string;
  attempt: number;
  trigger: RunTrigger;
  triggeredBy: string | null;
  /** The first run of this retry chain (its own id for attempt 0). */
  chainId: string;
  scheduledFor: number;
  /** When a queued run may start (= scheduledFor except for retries). */
  dueAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
  status: RunStatus;
  exitCode: number | null;
  error: string | null;
  errorDetail: string | null;
  reason: SkipReason | null;
  stdoutTail: string | null;
  stderrTail: string | null;
  result: unknown;
  host: string;
  pid: number | null;
  priority: number;
  timeoutSeconds: number | null;
  parameterOverrides: Record<string, string> | null;
  cancelRequested: boolean;
  createdAt: number;
}

/** Engine-wide settings; each has a default so an empty store works. */
export interface EngineSettings {
  concurrency: number;
  heartbeatSeconds: number;
  graceSeconds: number;
  retentionDays: number;
  outputCapBytes: number;
  allowedExecutables: string[];
}

export const DEFAULT_SETTINGS: EngineSettings = {
  concurrency: 10,
  heartbeatSeconds: 30,
  graceSeconds: 30,
  retentionDays: 90,
  outputCapBytes: 10 * 1024 * 1024,
  allowedExecutables: [],
};

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 0,
  delaySeconds: 5,
  multiplier: 2,
  jitter: 0,
  maxDelaySeconds: 3600,
};
