/**
 * Opens the engine's SQLite database with the settings every connection needs, and migrates it.
 * The tray app and the headless CLI may open the same file at once: WAL lets readers and one
 * writer work together, and the busy timeout makes a writer wait for the other's commit instead
 * of failing with SQLITE_BUSY.
 */
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from './migrate.ts';

/** A better-sqlite3 connection, as the repositories take it. */
export type Database = BetterSqlite3.Database;

/**
 * When the WAL restarts, a file grown past this (by a long burst of commits, see
 * checkpointer.ts, or a reader holding an old snapshot) is cut back to it.
 */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Opens (creating if needed) the database at `file` in WAL mode with foreign keys on, a 5 s busy
 * timeout, a WAL size limit and synchronous=NORMAL (durable across a process crash; a power cut
 * can lose only the last commits, never corrupt the file), applies pending migrations, and
 * returns the connection.
 * Throws MigrationError when the schema cannot be brought up to date; the connection is closed.
 */
export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * SQLite's data_version for this connection: it changes when another connection (the tray app,
 * a CLI `trigger`) commits, so the engine can poll it cheaply and reload only then.
 */
export function dataVersion(db: Database): number {
  return db.pragma('data_version', { simple: true }) as number;
}
