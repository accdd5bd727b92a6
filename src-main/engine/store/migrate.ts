/**
 * Schema migrations: numbered SQL files (`NNNN_name.sql`) in `./migrations/`, applied in order,
 * each in its own transaction, and recorded with the file's SHA-256 in `schema_migrations`.
 *
 * - An applied migration whose file has changed stops start-up with a MigrationError: the
 *   database was built from the old text, so a silent mismatch would mean two versions of the
 *   schema under one number. Ship a new migration instead.
 * - The hash is taken over the text with CRLF turned into LF and a leading BOM removed, so a
 *   Windows checkout (git autocrlf) of the same file does not count as an edit.
 * - A database that records a version newer than any file here was written by a newer build;
 *   opening it with this one could lose data, so it is refused.
 * - Two processes starting together on one new database are safe: each migration runs in a
 *   `BEGIN IMMEDIATE` transaction that re-checks whether it was applied meanwhile.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { toError } from '../errors.ts';

/** Start-up cannot bring the schema up to date; `path` names the migration file concerned. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface MigrationFile {
  version: number;
  name: string;
  path: string;
  sql: string;
  sha256: string;
}

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
}

const FILE_PATTERN = /^(\d{4})_[A-Za-z0-9_-]+\.sql$/;
const DEFAULT_DIR = new URL('./migrations/', import.meta.url);

/**
 * Brings `db` up to the newest migration in `dir` (default: the migrations shipped beside this
 * module) and returns the file names it applied, in order. Throws MigrationError when an applied
 * file was edited, a migration fails (its transaction is rolled back), or the database is newer.
 */
export function migrate(db: Database, dir: URL | string = DEFAULT_DIR): { applied: string[] } {
  const folder = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const files = readMigrations(folder);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const select = db.prepare<[number], AppliedRow>(
    'SELECT version, name, sha256 FROM schema_migrations WHERE version = ?',
  );
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');

  checkRecorded(db.prepare<[], AppliedRow>('SELECT version, name, sha256 FROM schema_migrations').all(), files, folder);

  const applied: string[] = [];
  for (const file of files) {
    const apply = db.transaction(() => {
      const recorded = select.get(file.version);
      if (recorded) {
        checkUnchanged(file, recorded);
        return false;
      }
      db.exec(file.sql);
      insert.run(file.version, file.name, file.sha256, Date.now());
      return true;
    });
    try {
      if (apply.immediate()) applied.push(file.name);
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      const cause = toError(error);
      throw new MigrationError(
        `Migration ${file.name} failed and was rolled back: ${cause.message}`,
        file.path,
        { cause },
      );
    }
  }
  return { applied };
}

function readMigrations(folder: string): MigrationFile[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    throw new MigrationError(`Cannot read the migrations folder ${folder}: ${toError(error).message}`, folder, {
      cause: error,
    });
  }
  const files: MigrationFile[] = [];
  for (const name of names.filter((n) => FILE_PATTERN.test(n)).sort()) {
    const path = join(folder, name);
    const sql = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
    const version = Number(name.slice(0, 4));
    const twin = files.find((f) => f.version === version);
    if (twin) {
      throw new MigrationError(`Migrations ${twin.name} and ${name} share the number ${name.slice(0, 4)}`, path);
    }
    files.push({ version, name, path, sql, sha256: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

function checkRecorded(recorded: AppliedRow[], files: MigrationFile[], folder: string): void {
  const known = files.at(-1)?.version ?? 0;
  for (const row of recorded.sort((x, y) => y.version - x.version)) {
    const file = files.find((f) => f.version === row.version);
    if (file) {
      checkUnchanged(file, row);
    } else if (row.version > known) {
      throw new MigrationError(
        `This data folder was written by a newer Batchlight (schema version ${row.version}, ` +
          `${row.name}; this build knows up to ${known}). Upgrade Batchlight, or point it at another data folder.`,
        folder,
      );
    } else {
      throw new MigrationError(
        `Migration ${row.name} was applied to this database but its file is missing from ${folder}`,
        join(folder, row.name),
      );
    }
  }
}

function checkUnchanged(file: MigrationFile, recorded: AppliedRow): void {
  if (recorded.sha256 === file.sha256) return;
  throw new MigrationError(
    `Migration ${file.name} was changed after it was applied (recorded sha256 ${recorded.sha256.slice(0, 12)}…, ` +
      `file has ${file.sha256.slice(0, 12)}…); restore the file or use a new migration`,
    file.path,
  );
}
