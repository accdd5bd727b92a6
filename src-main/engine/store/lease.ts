/**
 * One engine per data folder. The serving engine holds the single `engine_lease` row and
 * refreshes it; another `serve` finds a fresh lease and refuses, and the CLI uses the same row
 * to know whether an engine is serving (then it writes to SQLite and lets that engine act).
 *
 * An engine frozen past LEASE_STALE_MS (SIGSTOP, a paused VM, a stalled disk) loses the lease to
 * the next `serve`. On waking it must not write one more run: HeldLease's fence, called first in
 * every transaction that admits or starts runs, refuses once the row names another engine.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../clock.ts';

/** A lease older than this is taken to belong to a dead engine. */
export const LEASE_STALE_MS = 15_000;
/** How often the holder refreshes its lease. */
export const LEASE_REFRESH_MS = 5_000;
/**
 * How long after a refresh the fence trusts the lease without reading it: well inside
 * LEASE_STALE_MS, so no other engine can have judged the lease stale meanwhile.
 */
export const LEASE_TRUST_MS = LEASE_STALE_MS / 3;

export interface LeaseHolder {
  owner: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
}

/** Thrown when another live engine already serves the data folder. */
export class DataFolderBusyError extends Error {
  override name = 'DataFolderBusyError';
  constructor(readonly holder: LeaseHolder, dataDir: string) {
    super(
      `Another Batchlight engine is already serving ${dataDir} (pid ${holder.pid} on ${holder.host}, ` +
        `started ${new Date(holder.startedAt).toISOString()}); stop it first or use another --data folder`,
    );
  }
}

/** Thrown by the fence, and reported by the engine, once another engine holds the data folder. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(readonly holder: LeaseHolder | undefined) {
    super(
      `This engine no longer holds the data folder lease: ${
        holder
          ? `the engine with pid ${holder.pid} on ${holder.host} (started ${new Date(holder.startedAt).toISOString()}) took it over`
          : 'no engine holds it now'
      }, so this engine starts and records no more runs`,
    );
  }
}

interface LeaseRow {
  owner: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

const toHolder = (row: LeaseRow): LeaseHolder => ({
  owner: row.owner,
  host: row.host,
  pid: row.pid,
  startedAt: row.started_at,
  heartbeatAt: row.heartbeat_at,
});

/** The live holder of the lease, if any. `isAlive` checks a same-host pid. */
export function currentLease(db: Database, now: number, host: string, isAlive = pidAlive): LeaseHolder | undefined {
  const row = db.prepare<[], LeaseRow>('SELECT * FROM engine_lease WHERE id = 1').get();
  if (!row) return undefined;
  if (now - row.heartbeat_at > LEASE_STALE_MS || now < row.heartbeat_at - LEASE_STALE_MS) return undefined;
  if (row.host === host && !isAlive(row.pid)) return undefined;
  return toHolder(row);
}

/** Takes the lease or throws DataFolderBusyError; atomic against a concurrent start. */
export function acquireLease(db: Database, holder: LeaseHolder, dataDir: string): void {
  db.transaction(() => {
    const live = currentLease(db, holder.heartbeatAt, holder.host);
    if (live && live.owner !== holder.owner) throw new DataFolderBusyError(live, dataDir);
    db.prepare(`INSERT INTO engine_lease (id, owner, host, pid, started_at, heartbeat_at)
      VALUES (1, @owner, @host, @pid, @startedAt, @heartbeatAt)
      ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
        started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`).run(holder);
  }).immediate();
}

/** Refreshes our lease; false if someone else holds it now. */
export function refreshLease(db: Database, owner: string, now: number): boolean {
  return db.prepare('UPDATE engine_lease SET heartbeat_at = ? WHERE id = 1 AND owner = ?').run(now, owner).changes === 1;
}

/** Gives the lease up if we hold it (a clean stop), so the next engine need not wait for it to go stale. */
export function releaseLease(db: Database, owner: string): void {
  db.prepare('DELETE FROM engine_lease WHERE id = 1 AND owner = ?').run(owner);
}

export interface HeldLeaseOptions {
  /** See LEASE_TRUST_MS (tests shorten it). */
  trustMs?: number;
  /** Told once, after the call that found the lease lost has returned (outside its transaction). */
  onLost?: (error: LeaseLostError) => void;
}

/**
 * The lease as one engine holds it: taken at start, refreshed by the engine's housekeeping, and
 * checked by `fence` inside each transaction that admits or starts runs. The fence is on the hot
 * path (every manual trigger), so it reads nothing while the last refresh is recent on both
 * clocks (monotonic: a freeze counts; wall: other engines judge staleness by it); otherwise it
 * reads the row inside the transaction, whose write lock keeps anyone from taking it meanwhile.
 */
export class HeldLease {
  readonly #db: Database;
  readonly #owner: string;
  readonly #clock: Clock;
  readonly #trustMs: number;
  readonly #onLost: ((error: LeaseLostError) => void) | undefined;
  readonly #read: Statement<[], LeaseRow>;
  #refreshedMono = Number.NEGATIVE_INFINITY;
  #refreshedWall = Number.NEGATIVE_INFINITY;
  #held = false;
  #lost: LeaseLostError | undefined;

  constructor(db: Database, owner: string, clock: Clock, options: HeldLeaseOptions = {}) {
    this.#db = db;
    this.#owner = owner;
    this.#clock = clock;
    this.#trustMs = options.trustMs ?? LEASE_TRUST_MS;
    this.#onLost = options.onLost;
    this.#read = db.prepare<[], LeaseRow>('SELECT * FROM engine_lease WHERE id = 1');
  }

  /** Takes the lease for this engine (see acquireLease); throws DataFolderBusyError. */
  acquire(host: string, pid: number, dataDir: string): void {
    const mono = this.#clock.monotonic();
    const now = this.#clock.now();
    acquireLease(this.#db, { owner: this.#owner, host, pid, startedAt: now, heartbeatAt: now }, dataDir);
    this.#trust(mono, now);
    this.#held = true;
    this.#lost = undefined;
  }

  /** Refreshes the heartbeat; false once another engine holds the lease (onLost is told). */
  refresh(): boolean {
    if (this.#lost) return false;
    const mono = this.#clock.monotonic();
    const now = this.#clock.now();
    if (refreshLease(this.#db, this.#owner, now)) {
      this.#trust(mono, now);
      return true;
    }
    this.#lose(this.#read.get());
    return false;
  }

  /**
   * Call first inside a write transaction: throws LeaseLostError once the lease taken by acquire
   * is no longer ours. Before acquire (the CLI writing a queued row for the serving engine to
   * start) there is nothing to fence.
   */
  readonly fence = (): void => {
    if (this.#lost) throw this.#lost;
    if (!this.#held) return;
    const sinceMono = this.#clock.monotonic() - this.#refreshedMono;
    const sinceWall = this.#clock.now() - this.#refreshedWall;
    if (sinceMono < this.#trustMs && sinceWall >= 0 && sinceWall < this.#trustMs) return;
    const row = this.#read.get();
    if (row?.owner === this.#owner) return;
    throw this.#lose(row);
  };

  /** Gives the lease up (see releaseLease). */
  release(): void {
    this.#held = false;
    releaseLease(this.#db, this.#owner);
  }

  #trust(mono: number, wall: number): void {
    this.#refreshedMono = mono;
    this.#refreshedWall = wall;
  }

  #lose(row: LeaseRow | undefined): LeaseLostError {
    if (this.#lost) return this.#lost;
    const lost = new LeaseLostError(row ? toHolder(row) : undefined);
    this.#lost = lost;
    if (this.#onLost) queueMicrotask(() => this.#onLost?.(lost));
    return lost;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
