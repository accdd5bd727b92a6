import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataVersion, openDatabase } from '../../src-main/engine/store/db.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function dbFile(): string {
  return path.join(tempDir('batchlight-db-'), 'batchlight.db');
}

describe('openDatabase', () => {
  it('creates the schema with its tables', () => {
    const db = openDatabase(dbFile());
    const names = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    expect(names).toEqual(
      expect.arrayContaining(['schedules', 'runs', 'connections', 'settings', 'engine_lease', 'schema_migrations']),
    );
  });

  it('runs in WAL mode with foreign keys, a busy timeout and synchronous NORMAL', () => {
    const db = openDatabase(dbFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('refuses a run whose schedule does not exist (foreign keys are enforced)', () => {
    const db = openDatabase(dbFile());
    const insert = () =>
      db
        .prepare(
          `INSERT INTO runs (id, schedule_id, schedule_name, trigger, chain_id, scheduled_for, due_at, status, host, created_at)
           VALUES ('r1', 'missing', 'x', 'manual', 'r1', 0, 0, 'queued', 'h', 0)`,
        )
        .run();
    expect(insert).toThrow(/FOREIGN KEY/);
  });

  it('re-opening the same file migrates nothing and keeps the rows', () => {
    const file = dbFile();
    const first = openDatabase(file);
    first.prepare("INSERT INTO settings (key, value) VALUES ('concurrency', '4')").run();
    first.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT value FROM settings').get()).toEqual({ value: '4' });
    const files = fs.readdirSync(new URL('../../src-main/engine/store/migrations/', import.meta.url)).filter((f) => f.endsWith('.sql'));
    expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: files.length });
  });

  it('dataVersion changes when another connection commits', () => {
    const file = dbFile();
    const engine = openDatabase(file);
    const cli = openDatabase(file);
    const before = dataVersion(engine);
    cli.prepare("INSERT INTO settings (key, value) VALUES ('retentionDays', '30')").run();
    expect(dataVersion(engine)).not.toBe(before);
  });
});
