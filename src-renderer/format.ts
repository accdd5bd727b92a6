/** Shared formatting for times, durations and cron expressions in the renderer. */
import cronstrue from 'cronstrue';
import type { Run } from '../src-main/engine/types.ts';

/** A local date and time, or an em dash. */
export function formatTime(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** "1 h 2 min", "3.4 s", "120 ms". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** How long a run took (or has taken so far). */
export function runDuration(run: Run, now = Date.now()): number | null {
  if (run.startedAt == null) return null;
  return (run.finishedAt ?? now) - run.startedAt;
}

/** How late a run started against its due time. */
export function lateBy(run: Run): number | null {
  return run.startedAt == null ? null : Math.max(0, run.startedAt - run.dueAt);
}

/** The cron expression in words; the expression itself when cronstrue cannot read it. */
export function cronInWords(cron: string): string {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return cron;
  }
}

/** A status as a human label. */
export function statusLabel(status: string): string {
  return status.replace('_', ' ');
}
