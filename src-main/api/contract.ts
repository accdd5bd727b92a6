/**
 * The one contract between the engine and every UI (the Electron preload and the loopback
 * HTTP transport). Types only: each method appears once as `name: (args) => Promise<Result>`;
 * handlers, the preload and the HTTP client derive their types from it.
 */
import type { EngineState, ScheduleChange } from '../engine/events.ts';
import type { Problem } from '../engine/errors.ts';
import type { ConnectionSpec, Run, RunStatus, ScheduleSpec } from '../engine/types.ts';

/** A schedule as a UI sees it: secrets replaced by "<secret>" (write-only). */
export interface ScheduleView {
  id: string;
  spec: ScheduleSpec;
  paused: boolean;
  nextRunAt: number | null;
  lastRun: Run | null;
}

/** A connection as a UI sees it: the connection string is never sent, only whether it is set. */
export interface ConnectionView {
  name: string;
  type: ConnectionSpec['type'];
  connectionStringSet: boolean;
}

export interface RunPage {
  runs: Run[];
  /** Pass back as `before` for the next (older) page; null at the end. */
  next: { createdAt: number; id: string } | null;
}

export interface RunQuery {
  schedule?: string;
  statuses?: RunStatus[];
  from?: number;
  to?: number;
  limit?: number;
  before?: { createdAt: number; id: string };
}

export interface OutputChunk {
  text: string;
  offset: number;
  nextOffset: number;
  totalBytes: number;
}

/**
 * What happened to one test message of `testNotify` (the engine's TestNotifyResult): `target` is
 * the recipients or the webhook name, `error` the redacted reason (null when it was sent).
 */
export interface NotifyTestResult {
  channel: 'email' | 'webhook';
  target: string;
  ok: boolean;
  attempts: number;
  error: string | null;
}

export type ValidateResult = { ok: true; value: ScheduleSpec } | { ok: false; problems: Problem[] };

/** Every method a UI may call. */
export interface BatchlightApi {
  listSchedules: () => Promise<ScheduleView[]>;
  getSchedule: (args: { name: string }) => Promise<ScheduleView>;
  createSchedule: (args: { spec: unknown }) => Promise<ScheduleView>;
  updateSchedule: (args: { name: string; spec: unknown }) => Promise<ScheduleView>;
  deleteSchedule: (args: { name: string }) => Promise<void>;
  setEnabled: (args: { name: string; enabled: boolean }) => Promise<ScheduleView>;
  setPaused: (args: { name: string; paused: boolean }) => Promise<ScheduleView>;
  validateSchedule: (args: { spec: unknown }) => Promise<ValidateResult>;
  nextOccurrences: (args: { cron: string; timezone?: string; count?: number }) => Promise<{ times: number[]; description: string }>;
  trigger: (args: { name: string; parameters?: Record<string, string>; timeoutSeconds?: number }) => Promise<Run>;
  cancelRun: (args: { id: string }) => Promise<Run>;
  listRuns: (args: RunQuery) => Promise<RunPage>;
  getRun: (args: { id: string }) => Promise<{ run: Run; chain: Run[] }>;
  readOutput: (args: { id: string; stream: 'stdout' | 'stderr'; offset?: number; length?: number }) => Promise<OutputChunk>;
  listConnections: () => Promise<ConnectionView[]>;
  saveConnection: (args: { connection: unknown }) => Promise<ConnectionView>;
  testConnection: (args: { name: string }) => Promise<{ ok: boolean; message: string }>;
  /** Sends a test email (to `email`, else notify.defaultTo) and/or posts to one webhook; with neither, to every channel. */
  testNotify: (args: { email?: string; webhook?: string }) => Promise<{ results: NotifyTestResult[] }>;
  getSettings: () => Promise<Record<string, unknown>>;
  saveSettings: (args: { settings: unknown }) => Promise<Record<string, unknown>>;
  importFile: (args: { text: string; replace?: boolean }) => Promise<{ ok: true; summary: unknown } | { ok: false; problems: Problem[] }>;
  exportFile: () => Promise<{ text: string }>;
  engineState: () => Promise<EngineState>;
  setPausedAll: (args: { paused: boolean }) => Promise<EngineState>;
}

/** Events pushed to every UI. `run.output` carries new output of a running run. */
export interface BatchlightEvents {
  'run.queued': Run;
  'run.started': Run;
  'run.skipped': Run;
  'run.finished': Run;
  'run.output': { id: string; stream: 'stdout' | 'stderr'; text: string; offset: number };
  'schedule.changed': { name: string; change: ScheduleChange };
  'engine.state': EngineState;
}

export type MethodName = keyof BatchlightApi;
export type EventName = keyof BatchlightEvents;
