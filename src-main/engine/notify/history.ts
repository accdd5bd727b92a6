/**
 * A run's notifications as `batchlight show` and the UI list them: channel, target, event,
 * status (sent, failed with the reason, suppressed by flood control, pending), attempts.
 */
import { createNotificationsRepo, type NotificationRecord } from '../store/notifications-repo.ts';
import type { Store } from '../store/store.ts';

/** The notifications stored against run `runId`, oldest first. */
export function notificationsOf(store: Store, runId: string): NotificationRecord[] {
  return createNotificationsRepo(store.db).forRun(runId);
}
