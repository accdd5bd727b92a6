/**
 * Migration 0007 (schedule names compared ignoring case) on data folders written before it: it
 * must not fail on two names that differ only in case, lookups still find each by its exact
 * spelling, names with non-ASCII letters are found in any case, and a lookup reads an index.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src-main/engine/store/migrate.ts';
import { openStore } from '../../src-main/engine/store/store.ts';
import { onCleanup, scheduleSpec, tempDir } from '../helpers/engine-harness.ts';

const SHIPPED = fileURLToPath(new URL('../../src-main/engine/store/migrations/', import.meta.url));

/** A data folder whose database has the shipped migrations up to 0006 and these schedule rows. */
function folderBefore0007(rows: Array<{ id: string; name: string; createdAt: number }>): string {
  const dataDir = tempDir('batchlight-name-key-');
  const migrations = path.join(tempDir('batchlight-name-key-'), 'migrations');
  mkdirSync(migrations);
  for (const file of readdirSync(SHIPPED).filter((f) => Number(f.slice(0, 4)) <= 6)) {
    copyFileSync(path.join(SHIPPED, file), path.join(migrations, file));
  }
  const db = new BetterSqlite3(path.join(dataDir, 'batchlight.db'));
  migrate(db, migrations);
  const insert = db.prepare(`INSERT INTO schedules (id, name, spec, enabled, paused, priority, last_occurrence,
    created_at, updated_at) VALUES (?, ?, ?, 1, 0, 0, NULL, ?, ?)`);
  for (const row of rows) {
    const spec = scheduleSpec({ name: row.name, job: { type: 'process', executablePath: 'node', arguments: [] } });
    insert.run(row.id, row.name, JSON.stringify(spec), row.createdAt, row.createdAt);
  }
  db.close();
  return dataDir;
}

function open(dataDir: string) {
  const store = openStore(dataDir);
  onCleanup(() => store.close());
  return store;
}

describe('schedule names in the store (migration 0007)', () => {
  it('a data folder already holding "nightly" and "Nightly" opens, and each is found by its exact spelling', () => {
    const store = open(folderBefore0007([
      { id: 'older', name: 'nightly', createdAt: 1 },
      { id: 'newer', name: 'Nightly', createdAt: 2 },
    ]));
    expect(store.schedules.getByName('nightly')?.id).toBe('older');
    expect(store.schedules.getByName('Nightly')?.id).toBe('newer');
    expect(store.schedules.getByName('NIGHTLY')?.id).toBe('older');
  });

  it('a name with non-ASCII letters stored before the migration is found in another case', () => {
    const store = open(folderBefore0007([{ id: 'a', name: 'Ärger', createdAt: 1 }]));
    expect(store.schedules.getByName('ärger')?.id).toBe('a');
    expect(store.schedules.getByName('ÄRGER')?.id).toBe('a');
  });

  it('a lookup by name searches an index rather than reading every schedule', () => {
    const store = open(tempDir());
    const plan = store.db.prepare('EXPLAIN QUERY PLAN SELECT * FROM schedules WHERE name_key = ?').all('x') as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX schedules_by_name_key/);
  });
});
