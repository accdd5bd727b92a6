/**
 * The ends of runs waiting to be recorded. Ends that arrive in one turn of the event loop are
 * recorded together at the end of it. A batch the store could not take (another process held
 * SQLite's write lock past the busy timeout, the disk was full) goes back to the front and is
 * tried again after a pause that doubles from 100 ms to 5 s; until then nothing else records
 * ends, so a locked store is not hit by every admission. Dropping such a batch would leave its
 * rows `running` until a restart turned a succeeded run into an interrupted one and ran it again.
 */
import type { Run, Schedule } from '../types.ts';
import type { ExecutionResult } from './executor.ts';

/** A run that has ended, waiting for the next batch of end records. */
export interface Ending {
  schedule: Schedule;
  run: Run;
  result: ExecutionResult;
  recorded: () => void;
}

const FIRST_PAUSE_MS = 100;
const LONGEST_PAUSE_MS = 5000;

/**
 * True for SQLite errors that say the store could not be written just now (locked past the busy
 * timeout, full, an I/O error), not that the write is wrong: better-sqlite3's SqliteError carries
 * SQLite's extended code (`SQLITE_BUSY_SNAPSHOT`, `SQLITE_IOERR_WRITE`).
 */
export function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|PROTOCOL)/.test(code);
}

/** A queue of run ends with the timing above; `flush` records what `take` hands it. */
export class PendingEnds<T> {
  #items: T[] = [];
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;
  #givenUp = false;

  constructor(private readonly flush: () => void) {}

  /** Ends are waiting and may be recorded now (no pause after a failure is running). */
  get ready(): boolean {
    return this.#items.length > 0 && this.#retry === undefined;
  }

  /** Queues an end; the first of a turn asks for a flush at the end of that turn. */
  add(item: T): void {
    this.#items.push(item);
    if (this.#items.length === 1 && this.#retry === undefined) setImmediate(this.flush);
  }

  /** Hands over every waiting end, or none while a pause after a failure runs. */
  take(): T[] {
    if (this.#retry !== undefined) return [];
    const batch = this.#items;
    this.#items = [];
    return batch;
  }

  /** Says the batch taken last was recorded. */
  recorded(): void {
    this.#failures = 0;
  }

  /**
   * Puts a batch the store could not take back in front; returns the pause before the next try,
   * ms, or undefined once given up (the caller drops the batch).
   */
  putBack(batch: readonly T[]): number | undefined {
    if (this.#givenUp) return undefined;
    this.#items = [...batch, ...this.#items];
    const pauseMs = Math.min(FIRST_PAUSE_MS * 2 ** this.#failures, LONGEST_PAUSE_MS);
    this.#failures += 1;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.flush();
    }, pauseMs);
    return pauseMs;
  }

  /** Stops trying (the engine is stopping): hands over what waits; later failures are not kept. */
  giveUp(): T[] {
    this.#givenUp = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
