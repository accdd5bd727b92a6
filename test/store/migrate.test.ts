import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MigrationError, migrate } from '../../src-main/engine/store/migrate.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function migrationsDir(files: Record<string, string>): string {
  const dir = path.join(tempDir('batchlight-migrate-'), 'migrations');
  mkdirSync(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

function thrown(fn: () => unknown): MigrationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationError);
    return error as MigrationError;
  }
  throw new Error('Expected a MigrationError, but nothing was thrown');
}

function tables(db: BetterSqlite3.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);
}

const FIRST = 'CREATE TABLE a (id INTEGER PRIMARY KEY);';
const SECOND = 'CREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO b (id) VALUES (1);';

describe('migrate', () => {
  it('applies every migration once, in number order, and records it with its hash', () => {
    const dir = migrationsDir({ '0002_b.sql': SECOND, '0001_a.sql': FIRST, 'README.md': 'not a migration' });
    const db = new BetterSqlite3(':memory:');
    expect(migrate(db, dir).applied).toEqual(['0001_a.sql', '0002_b.sql']);
    const rows = db.prepare('SELECT version, name, length(sha256) AS len FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual([
      { version: 1, name: '0001_a.sql', len: 64 },
      { version: 2, name: '0002_b.sql', len: 64 },
    ]);
    expect(tables(db)).toEqual(['a', 'b', 'schema_migrations']);
  });

  it('re-opening an up-to-date database applies nothing and keeps the data', () => {
    const dir = migrationsDir({ '0001_a.sql': FIRST, '0002_b.sql': SECOND });
    const file = path.join(tempDir('batchlight-migrate-'), 'x.db');
    const first = new BetterSqlite3(file);
    migrate(first, dir);
    first.close();
    const again = new BetterSqlite3(file);
    expect(migrate(again, dir).applied).toEqual([]);
    expect(again.prepare('SELECT count(*) AS n FROM b').get()).toEqual({ n: 1 });
  });

  it('a new migration file is applied on the next start', () => {
    const dir = migrationsDir({ '0001_a.sql': FIRST });
    const db = new BetterSqlite3(':memory:');
    migrate(db, dir);
    writeFileSync(path.join(dir, '0002_b.sql'), SECOND);
    expect(migrate(db, dir).applied).toEqual(['0002_b.sql']);
  });

  it('an applied migration that was edited stops start-up with a MigrationError naming the file', () => {
    const dir = migrationsDir({ '0001_a.sql': FIRST });
    const db = new BetterSqlite3(':memory:');
    migrate(db, dir);
    writeFileSync(path.join(dir, '0001_a.sql'), `${FIRST}\nCREATE TABLE sneaky (id INTEGER);`);
    const error = thrown(() => migrate(db, dir));
    expect(error.path).toBe(path.join(dir, '0001_a.sql'));
    expect(error.message).toMatch(/Migration 0001_a\.sql was changed after it was applied \(recorded sha256 [0-9a-f]{12}…, file has [0-9a-f]{12}…\)/);
    expect(tables(db)).not.toContain('sneaky');
  });

  it('a migration checked out with Windows line endings is not treated as edited', () => {
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id INTEGER);\nCREATE TABLE c (id INTEGER);\n' });
    const db = new BetterSqlite3(':memory:');
    migrate(db, dir);
    const file = path.join(dir, '0001_a.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    expect(migrate(db, dir).applied).toEqual([]);
  });

  it('a failing migration is rolled back entirely and reported with its file and cause', () => {
    const dir = migrationsDir({
      '0001_a.sql': FIRST,
      '0002_bad.sql': 'CREATE TABLE half (id INTEGER);\nINSERT INTO a (id) VALUES (7);\nINSERT INTO nowhere VALUES (1);',
    });
    const db = new BetterSqlite3(':memory:');
    const error = thrown(() => migrate(db, dir));
    expect(error.path).toBe(path.join(dir, '0002_bad.sql'));
    expect(error.message).toContain('Migration 0002_bad.sql failed and was rolled back: no such table: nowhere');
    expect(error.cause).toBeInstanceOf(Error);
    expect(tables(db)).toEqual(['a', 'schema_migrations']);
    expect(db.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }]);
  });

  it('a database written by a newer build is refused with a clear message', () => {
    const dir = migrationsDir({ '0001_a.sql': FIRST, '0002_b.sql': SECOND });
    const db = new BetterSqlite3(':memory:');
    migrate(db, dir);
    const older = migrationsDir({ '0001_a.sql': FIRST });
    expect(thrown(() => migrate(db, older)).message).toMatch(/written by a newer Batchlight \(schema version 2/);
  });

  it('two migration files with one number are refused', () => {
    const dir = migrationsDir({ '0001_a.sql': FIRST, '0001_b.sql': SECOND });
    expect(thrown(() => migrate(new BetterSqlite3(':memory:'), dir)).message).toMatch(/share the number 0001/);
  });
});
