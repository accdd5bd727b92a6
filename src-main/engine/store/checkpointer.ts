/**
 * Moves SQLite's WAL checkpoints off the engine's thread. By default the connection that commits
 * past 1,000 WAL pages copies them back into the database file and fsyncs it, inside that
 * commit: on a busy engine about a third of every commit's cost, and pauses of tens of
 * milliseconds in the middle of a wake. While the engine serves, its connection stops
 * checkpointing (wal_autocheckpoint = 0) and a worker thread with a connection of its own runs a
 * PASSIVE checkpoint, on the other core; PASSIVE never blocks the engine's reads or writes. It
 * checkpoints every 100 ms while the WAL grows and every second once a checkpoint found nothing
 * new: a short WAL keeps the engine's commits cheap (the WAL is rewritten from its start, in
 * pages the OS still caches; at 1 s, 5,000 HTTP runs took 10-15% longer in `npm run bench`).
 * While the engine commits without a pause (thousands of short runs back to back) the WAL grows:
 * SQLite rewrites it from its start only when a write begins with every frame checkpointed, and
 * the worker's checkpoint always ends a few commits behind (24,000 runs in a row left a WAL of
 * 800 MB). The first pause lets it restart, and `journal_size_limit` (store/db.ts) then cuts the
 * file back. Making the engine's connection checkpoint to force the restart was tried and
 * dropped: its fsync paused commits for 10-45 ms, about once every 100 ms of such load.
 *
 * If the worker cannot start or fails, the engine's connection checkpoints itself again, and
 * the reason is logged. The WAL file is checkpointed once more when the store closes.
 *
 * The worker is a few lines of plain JavaScript given as a string (`eval`), so it runs the same
 * under tsx, vitest and the bundled Electron main process; it loads better-sqlite3 from the path
 * this module resolves, since an eval'd worker has no module of its own to resolve from.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../logger.ts';

/** SQLite's own default, restored when the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
let last = '';
let timer;
const checkpoint = () => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  const seen = result.log + '/' + result.checkpointed;
  timer = setTimeout(checkpoint, seen === last ? workerData.idleMs : workerData.intervalMs);
  last = seen;
};
timer = setTimeout(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointerOptions {
  /** Between checkpoints while the engine writes, ms (default 100). */
  intervalMs?: number;
  /** Between checkpoints once a checkpoint found nothing new, ms (default 1000). */
  idleMs?: number;
  /** The better-sqlite3 entry to load in the worker (tests give a broken one). */
  driver?: string;
}

/** The running checkpointer. */
export interface Checkpointer {
  /** Ends the worker and gives checkpointing back to `db`. */
  stop(): Promise<void>;
}

/** Starts checkpointing `file` (the database `db` is connected to) from a worker thread. */
export function startCheckpointer(db: Database, file: string, logger: Logger, options: CheckpointerOptions = {}): Checkpointer {
  const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  let stopping = false;
  const fallBack = (why: string) => {
    if (stopping || !db.open) return;
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    logger.warn(`SQLite checkpoints are back on the engine's thread: ${why}`);
  };
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs: options.intervalMs ?? 100, idleMs: options.idleMs ?? 1000 } });
  worker.unref();
  worker.on('error', (error) => fallBack(`the checkpoint worker failed (${error.message})`));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      fallBack(`the checkpoint worker exited with code ${code}`);
      resolve();
    }),
  );
  return {
    async stop() {
      stopping = true;
      // Unref'd so it never keeps a process alive on its own; waited for here, so ref'd again.
      worker.ref();
      worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    },
  };
}
