/**
 * One engine per data folder. The serving engine holds the single `engine_lease` row and
 * refreshes it; another `serve` finds a fresh lease and refuses, and the CLI uses the same row
 * to know whether an engine is serving (then it writes to SQLite and lets that engine act).
 */
import type { Database } from 'better-sqlite3';

/** A lease older than this is taken to belong to a dead engine. */
export const LEASE_STALE_MS = 15_000;
/** How often the holder refreshes its lease. */
export const LEASE_REFRESH_MS = 5_000;

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

export function releaseLease(db: Database, owner: string): void {
  db.prepare('DELETE FROM engine_lease WHERE id = 1 AND owner = ?').run(owner);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
