/**
 * Which notifications a run calls for: the events it raises (from its status and the run history)
 * and, per channel, who gets told. Pure functions; the notifier feeds them what the store knows.
 */
import { DEFAULT_NOTIFY_ON } from '../config/schedule-schema.ts';
import type { NotifyEvent, NotifySpec, Run, RunStatus } from '../types.ts';

/** Statuses that count as a failed attempt. */
export const FAILED_STATUSES: ReadonlySet<RunStatus> = new Set(['failed', 'timed_out', 'interrupted']);

/** One message to send: an email to a list of addresses, or a post to a named webhook. */
export type PlannedNotification =
  | { channel: 'email'; event: NotifyEvent; target: string; to: string[]; cc: string[] }
  | { channel: 'webhook'; event: NotifyEvent; target: string };

/**
 * The events a finished run raises, most significant first. A failure with no retry queued is the
 * final one (`retries_exhausted`, also when the schedule has no retries); a success right after a
 * failure is a recovery. Cancelled runs raise nothing: a person asked for that.
 */
export function finishedEvents(run: Run, facts: { retryQueued: boolean; previous: RunStatus | undefined }): NotifyEvent[] {
  if (FAILED_STATUSES.has(run.status)) return facts.retryQueued ? ['failure'] : ['retries_exhausted', 'failure'];
  if (run.status !== 'succeeded') return [];
  return facts.previous !== undefined && FAILED_STATUSES.has(facts.previous) ? ['recovered', 'success'] : ['success'];
}

/** A skipped occurrence raises `skipped` when it was a misfire or an overlap (not a pause). */
export function skippedEvents(run: Run): NotifyEvent[] {
  return run.reason === 'misfire' || run.reason === 'overlap' ? ['skipped'] : [];
}

/**
 * The messages to send for `events` (most significant first): per channel at most one, for the
 * first event the channel listens to, so a final failure is not also mailed as a plain failure.
 * Email goes to the schedule's `to` (or the default recipients when it names none) and `cc`.
 */
export function planNotifications(notify: NotifySpec | undefined, defaultTo: readonly string[], events: readonly NotifyEvent[]): PlannedNotification[] {
  const planned: PlannedNotification[] = [];
  const to = notify?.email?.to.length ? notify.email.to : [...defaultTo];
  const cc = notify?.email?.cc ?? [];
  const emailEvent = pick(events, notify?.email?.on);
  if (emailEvent && to.length + cc.length > 0) {
    planned.push({ channel: 'email', event: emailEvent, target: [...to, ...cc].join(', '), to, cc });
  }
  const webhook = notify?.webhook;
  const webhookEvent = webhook && pick(events, webhook.on);
  if (webhook && webhookEvent) planned.push({ channel: 'webhook', event: webhookEvent, target: webhook.target });
  return planned;
}

/** True when a channel of `notify` lists `event` in its `on`. */
export function listensTo(notify: NotifySpec | undefined, event: NotifyEvent): boolean {
  return [notify?.email?.on, notify?.webhook?.on].some((on) => (on ?? DEFAULT_NOTIFY_ON).includes(event));
}

function pick(events: readonly NotifyEvent[], on: readonly NotifyEvent[] | undefined): NotifyEvent | undefined {
  const wanted = on ?? DEFAULT_NOTIFY_ON;
  return events.find((event) => wanted.includes(event));
}
