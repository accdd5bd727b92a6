/**
 * Retention: runs that ended before the window (`retentionDays`, default 90) are deleted with
 * their output files. The engine calls it once a day; queued and running runs are never pruned.
 */
import { toError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { removeRunOutput } from './output-files.ts';
import type { Store } from './store.ts';

const DAY_MS = 86_400_000;

/** Deletes ended runs created more than `retentionDays` before `now`; returns how many. */
export function pruneHistory(store: Store, now: number, retentionDays: number, logger: Logger): number {
  const ids = store.runs.prune(now - retentionDays * DAY_MS);
  for (const id of ids) {
    removeRunOutput(store.paths.runs, id).catch((error: unknown) =>
      logger.warn('Could not remove the output files of a pruned run', { runId: id, error: toError(error).message }),
    );
  }
  if (ids.length) logger.info(`Retention removed ${ids.length} runs older than ${retentionDays} days`);
  return ids.length;
}
