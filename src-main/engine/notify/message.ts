/**
 * What a notification says, independent of how it travels: a subject, label/value facts, the
 * error, the last lines of output, and the same as a JSON object for webhooks. Every text passes
 * the redactor before it is put in, so no channel can leak a secret the engine knows.
 */
import { formatDate } from '../params/format-date.ts';
import type { NotifyEvent, Run, Schedule } from '../types.ts';

/** How many lines of each output stream a message carries. */
export const OUTPUT_LINES = 50;
const MAX_LINE_CHARS = 500;

/** A message ready to be rendered as email or webhook payload. */
export interface NotificationMessage {
  subject: string;
  /** Drives colours in chat cards. */
  tone: 'bad' | 'good' | 'warn' | 'info';
  facts: Array<[label: string, value: string]>;
  notes: string[];
  error: string | null;
  output: Array<{ stream: 'stdout' | 'stderr'; text: string }>;
  /** The message as data: the `json` webhook format posts this. */
  data: Record<string, unknown>;
}

/** Everything a run notification is made from. */
export interface RunMessageInput {
  event: NotifyEvent;
  run: Run;
  schedule: Pick<Schedule, 'name' | 'timezone' | 'retry'>;
  host: string;
  now: number;
  /** The recent output of each stream (already redacted at capture; redacted again here). */
  output: { stdout: string; stderr: string };
  /** True when a retry of this failed run is queued. */
  willRetry?: boolean;
  /** Messages flood control held back since the last one sent. */
  heldBack?: { count: number; since: number };
  /** True when this is sent again after a restart (the first try may have arrived). */
  resent?: boolean;
  redact: (text: string) => string;
}

/** Said by a message sent again after a restart: the endpoint may have had it already. */
export const RESENT_NOTE = 'Sent again after Batchlight restarted: it stopped while sending this message, which may have reached you already.';

const STATUS_LABEL: Record<string, string> = {
  failed: 'FAILED',
  timed_out: 'TIMED OUT',
  interrupted: 'INTERRUPTED',
  succeeded: 'SUCCEEDED',
  skipped: 'SKIPPED',
  running: 'LONG RUNNING',
};

const EVENT_NOUN: Record<NotifyEvent, [string, string]> = {
  failure: ['failure', 'failures'],
  retries_exhausted: ['failure', 'failures'],
  success: ['success', 'successes'],
  recovered: ['recovery', 'recoveries'],
  long_running: ['long run', 'long runs'],
  skipped: ['skipped run', 'skipped runs'],
};

/** Builds the message about one run and one event. */
export function runMessage(input: RunMessageInput): NotificationMessage {
  const { event, run, schedule, host, now, redact } = input;
  const zone = schedule.timezone ?? 'UTC';
  const maxAttempts = Math.max(run.attempt, schedule.retry.maxRetries) + 1;
  const attempt = `attempt ${run.attempt + 1}/${maxAttempts}`;
  const durationMs = run.startedAt === null ? null : (run.finishedAt ?? now) - run.startedAt;
  const label = event === 'recovered' ? 'RECOVERED' : event === 'long_running' ? 'LONG RUNNING' : (STATUS_LABEL[run.status] ?? run.status.toUpperCase());
  const detail =
    event === 'failure' || event === 'retries_exhausted' ? (input.willRetry ? `${attempt}, will retry` : attempt)
    : event === 'long_running' ? `running for ${humanDuration(durationMs ?? 0)}`
    : event === 'skipped' ? (run.reason ?? 'skipped')
    : run.attempt > 0 ? attempt
    : '';
  const more = input.heldBack && input.heldBack.count > 0
    ? `and ${input.heldBack.count} more ${EVENT_NOUN[event][input.heldBack.count === 1 ? 0 : 1]} since ${sinceText(input.heldBack.since, now, zone)}`
    : undefined;
  const subject = redact(`[Batchlight] ${label} ${schedule.name} on ${host}${detail ? ` (${detail})` : ''}${more ? ` — ${more}` : ''}`);
  const httpStatus = httpStatusOf(run.result);
  const when = (ms: number | null) => (ms === null ? '' : `${formatDate(ms, 'yyyy-MM-dd HH:mm:ss', zone)} ${zone}`);
  const facts: Array<[string, string]> = [
    ['Schedule', schedule.name],
    ['Status', run.status + (run.reason ? ` (${run.reason})` : '')],
    ['Event', event],
    ['Host', host],
    ['Attempt', `${run.attempt + 1} of ${maxAttempts}`],
    ['Trigger', run.trigger + (run.triggeredBy ? ` by ${run.triggeredBy}` : '')],
    ['Scheduled', when(run.scheduledFor)],
    ['Started', when(run.startedAt)],
    ['Finished', when(run.finishedAt)],
    ['Duration', durationMs === null ? '' : humanDuration(durationMs)],
    ['Exit code', run.exitCode === null ? '' : String(run.exitCode)],
    ['HTTP status', httpStatus === null ? '' : String(httpStatus)],
    ['Run id', run.id],
  ];
  const error = run.error ? redact(run.error) : null;
  const output = (['stderr', 'stdout'] as const)
    .map((stream) => ({ stream, text: redact(lastLines(input.output[stream], OUTPUT_LINES)) }))
    .filter((o) => o.text !== '');
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    subject,
    tone: event === 'success' || event === 'recovered' ? 'good' : event === 'long_running' || event === 'skipped' ? 'warn' : 'bad',
    facts: facts.filter(([, value]) => value !== '').map(([l, v]) => [l, redact(v)]),
    notes: [
      ...(more ? [`${capitalise(more)} (held back by flood control).`] : []),
      ...(input.resent ? [RESENT_NOTE] : []),
    ],
    error,
    output,
    data: {
      source: 'batchlight',
      title: subject,
      event,
      schedule: schedule.name,
      status: run.status,
      reason: run.reason,
      host,
      runId: run.id,
      attempt: run.attempt + 1,
      maxAttempts,
      willRetry: input.willRetry === true,
      resent: input.resent === true,
      trigger: run.trigger,
      triggeredBy: run.triggeredBy === null ? null : redact(run.triggeredBy),
      scheduledFor: iso(run.scheduledFor),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
      durationMs,
      exitCode: run.exitCode,
      httpStatus,
      error,
      stdout: output.find((o) => o.stream === 'stdout')?.text ?? '',
      stderr: output.find((o) => o.stream === 'stderr')?.text ?? '',
      heldBack: input.heldBack && input.heldBack.count > 0 ? { count: input.heldBack.count, since: iso(input.heldBack.since) } : null,
    },
  };
}

/** The message `batchlight test-notify` sends. */
export function testMessage(host: string, now: number): NotificationMessage {
  const subject = `[Batchlight] TEST notification from ${host}`;
  const sent = new Date(now).toISOString();
  return {
    subject,
    tone: 'info',
    facts: [['Host', host], ['Sent', sent]],
    notes: ['This is a test message from `batchlight test-notify`. If you can read it, notifications reach you.'],
    error: null,
    output: [],
    data: { source: 'batchlight', title: subject, event: 'test', host, sentAt: sent },
  };
}

/** The last `count` lines of `text`, each cut to a readable length. */
export function lastLines(text: string, count: number): string {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  return lines
    .slice(-count)
    .map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line))
    .join('\n');
}

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The HTTP status an HTTP job's result carries (`status` or `statusCode`), if any. */
function httpStatusOf(result: unknown): number | null {
  if (typeof result !== 'object' || result === null) return null;
  const { status, statusCode } = result as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** "02:10" the same day in the schedule's zone, else "2026-05-03 23:50". */
function sinceText(since: number, now: number, zone: string): string {
  const sameDay = formatDate(since, 'yyyy-MM-dd', zone) === formatDate(now, 'yyyy-MM-dd', zone);
  return formatDate(since, sameDay ? 'HH:mm' : 'yyyy-MM-dd HH:mm', zone);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
