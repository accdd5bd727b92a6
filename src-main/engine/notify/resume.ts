/**
 * Notifications a stopped process left unsent. The notifier stores a row as `pending` before its
 * message goes out and finishes it after, so at start every pending row is one the last engine
 * (killed, crashed, power cut) decided to send and never finished; it may or may not have reached
 * its endpoint. Each is sent again through the notifier's own path (same attempts, time limit and
 * backoff; flood control admitted it already), so delivery is at least once: an endpoint may get a
 * message twice, which beats a failure nobody hears about. One older than RESEND_MAX_AGE_MS is
 * not sent but marked failed, saying why.
 */
import type { Clock } from '../clock.ts';
import { toError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { NotificationRecord, NotificationsRepo } from '../store/notifications-repo.ts';
import type { Store } from '../store/store.ts';
import type { Run, Schedule } from '../types.ts';
import type { Sending } from './notifier.ts';
import { readNotifySettings, type NotifySettings } from './notify-settings.ts';
import { planNotifications, type PlannedNotification } from './plan.ts';

/**
 * The oldest an unsent notification may be and still be sent after a restart: 24 hours. An older
 * one reports a day-old state (the schedule has likely run since, and the history shows it); a
 * fixed limit, not a setting, as the settings file has no section for it.
 */
export const RESEND_MAX_AGE_MS = 24 * 60 * 60_000;

const STOPPED = 'Batchlight stopped before this notification was sent';

export interface ResumeOptions {
  repo: NotificationsRepo;
  store: Store;
  clock: Clock;
  logger: Logger;
  scheduleOf: (id: string) => Schedule | undefined;
  /** True when a retry of failed `run` is queued (the message then says "will retry"). */
  retryQueued: (run: Run) => boolean;
}

/**
 * The pending notifications to send again, ready for the notifier's sending path. The ones that
 * cannot be (too old, run or schedule deleted, settings unreadable) are marked failed here.
 */
export function resumePending(options: ResumeOptions): Sending[] {
  const { repo, store, clock, logger } = options;
  const pending = repo.pending();
  if (pending.length === 0) return [];
  const fail = (record: NotificationRecord, error: string) =>
    repo.finish(record.id, { status: 'failed', attempts: record.attempts, error, sentAt: null });

  let settings: NotifySettings;
  try {
    settings = readNotifySettings(store);
  } catch (error) {
    const reason = `${STOPPED}, and at the restart the notification settings could not be read: ${toError(error).message}`;
    for (const record of pending) fail(record, reason);
    logger.error(`${pending.length} notifications left unsent by an unexpected stop could not be sent again`, { error: toError(error).message });
    return [];
  }

  const now = clock.now();
  const resend: Sending[] = [];
  let tooOld = 0;
  for (const record of pending) {
    if (now - record.createdAt > RESEND_MAX_AGE_MS) {
      tooOld += 1;
      fail(record, `${STOPPED}, and it was too old to send after the restart (decided ${new Date(record.createdAt).toISOString()}, limit 24 h)`);
      continue;
    }
    const run = store.runs.get(record.runId);
    const schedule = options.scheduleOf(record.scheduleId);
    if (!run || !schedule) {
      fail(record, `${STOPPED}, and its ${run ? 'schedule' : 'run'} no longer exists`);
      continue;
    }
    const held = repo.heldBackBefore(record.id);
    resend.push({
      schedule,
      run,
      planned: plannedFor(record, schedule, settings.defaultTo),
      record,
      heldBack: held.count > 0 ? { count: held.count, since: held.since ?? record.createdAt } : undefined,
      settings,
      willRetry: options.retryQueued(run),
      resent: true,
    });
  }
  if (resend.length) logger.warn(`${resend.length} notifications left unsent by an unexpected stop are being sent again`);
  if (tooOld) logger.warn(`${tooOld} notifications left unsent by an unexpected stop were too old to send (over 24 h) and are marked failed`);
  return resend;
}

/**
 * The destination the row was decided for. The row keeps an email's recipients as one list (to
 * and cc joined): the schedule's current plan gives them back split when it names the same ones,
 * otherwise they all go as `to`.
 */
function plannedFor(record: NotificationRecord, schedule: Schedule, defaultTo: readonly string[]): PlannedNotification {
  if (record.channel === 'webhook') return { channel: 'webhook', event: record.event, target: record.target };
  const current = planNotifications(schedule.notify, defaultTo, [record.event]).find((p) => p.channel === 'email');
  if (current?.channel === 'email' && current.target === record.target) return current;
  return { channel: 'email', event: record.event, target: record.target, to: record.target.split(', ').filter(Boolean), cc: [] };
}
