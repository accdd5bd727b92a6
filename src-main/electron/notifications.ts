/**
 * OS notifications for failed runs: one per finished run that failed, timed out or was
 * interrupted, unless muted; clicking it shows that run's log. The Notification class is passed
 * in, so the rule is tested without Electron.
 */
import type { Run } from '../engine/types.ts';

/** The part of Electron's Notification this needs. */
export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface FailureNotifierOptions {
  create: (options: { title: string; body: string }) => NotificationLike;
  isMuted: () => boolean;
  /** Shows the run's log in the window. */
  openRun: (runId: string) => void;
}

const FAILED: ReadonlySet<string> = new Set(['failed', 'timed_out', 'interrupted']);
const BODY_MAX = 200;

/** The title and body for a failed run, or null when the run did not fail. */
export function failureMessage(run: Run): { title: string; body: string } | null {
  if (!FAILED.has(run.status)) return null;
  const what = run.status === 'timed_out' ? 'timed out' : run.status === 'interrupted' ? 'was interrupted' : 'failed';
  const detail = run.error ?? (run.exitCode === null ? '' : `Exit code ${run.exitCode}`);
  const body = detail.length > BODY_MAX ? `${detail.slice(0, BODY_MAX - 1)}…` : detail;
  return { title: `${run.scheduleName} ${what}`, body: body || 'Click to see its log.' };
}

/** A `run.finished` listener that raises the notification. */
export function createFailureNotifier(options: FailureNotifierOptions): (run: Run) => void {
  return (run) => {
    const message = failureMessage(run);
    if (!message || options.isMuted()) return;
    const notification = options.create(message);
    notification.on('click', () => options.openRun(run.id));
    notification.show();
  };
}
