/**
 * What the CLI prints: run objects in the documented JSON shape (ISO-8601 UTC times, `lateMs`),
 * and plain aligned tables for people.
 */
import type { ScheduleStatus } from '../engine/engine.ts';
import type { Run } from '../engine/types.ts';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** A run as `batchlight runs --json` and `show --json` print it. */
export function runJson(run: Run) {
  return {
    id: run.id,
    schedule: run.scheduleName,
    attempt: run.attempt,
    trigger: run.trigger,
    triggeredBy: run.triggeredBy,
    status: run.status,
    scheduledFor: iso(run.scheduledFor),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    heartbeatAt: iso(run.heartbeatAt),
    exitCode: run.exitCode,
    error: run.error,
    errorDetail: run.errorDetail,
    reason: run.reason,
    lateMs: run.startedAt === null ? null : run.startedAt - run.scheduledFor,
    durationMs: run.startedAt !== null && run.finishedAt !== null ? run.finishedAt - run.startedAt : null,
    host: run.host,
    chainId: run.chainId,
    result: run.result,
  };
}

/** A schedule as `batchlight list --json` prints it. */
export function scheduleJson(status: ScheduleStatus) {
  const s = status.schedule;
  return {
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    paused: s.paused,
    tags: s.tags,
    jobType: s.job.type,
    nextRunAt: iso(status.nextRunAt),
    lastStatus: status.lastRun?.status ?? null,
    lastRunAt: iso(status.lastRun?.startedAt ?? status.lastRun?.finishedAt),
  };
}

/** Left-aligned columns for terminal output. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** One line per run for people. */
export function runRow(run: Run): string[] {
  const json = runJson(run);
  return [
    run.id,
    run.scheduleName,
    run.status + (run.reason ? ` (${run.reason})` : ''),
    run.trigger,
    String(run.attempt),
    json.scheduledFor ?? '',
    json.durationMs === null ? '' : `${(json.durationMs / 1000).toFixed(1)} s`,
    (run.error ?? '').split('\n')[0]!.slice(0, 80),
  ];
}

export const RUN_HEADERS = ['ID', 'SCHEDULE', 'STATUS', 'TRIGGER', 'ATTEMPT', 'SCHEDULED FOR', 'DURATION', 'ERROR'];
