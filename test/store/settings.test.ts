/**
 * Settings are kept in memory between reads; these check that the copy never goes stale: a
 * change committed by another connection (the CLI, another process) is read at once, and a
 * change rolled back with its transaction is not kept.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/engine/store/store.ts';
import { onCleanup, tempDir } from '../helpers/engine-harness.ts';

function store() {
  const opened = openStore(tempDir());
  onCleanup(() => opened.close());
  return opened;
}

/** Sets the concurrency as the CLI would while an engine serves: from a connection of its own. */
function setConcurrencyElsewhere(dbFile: string, value: number): void {
  const other = new Database(dbFile);
  other.prepare(`INSERT INTO settings (key, value) VALUES ('concurrency', ?)`).run(JSON.stringify(value));
  other.close();
}

describe('settings', () => {
  it('a value written by another connection is read at once', () => {
    const first = store();
    expect(first.settings.engine().concurrency).toBe(10);
    setConcurrencyElsewhere(first.paths.db, 3);
    expect(first.settings.engine().concurrency).toBe(3);
    expect(first.settings.get<number>('concurrency')).toBe(3);
  });

  it('a value written in a transaction that rolls back is not kept', () => {
    const s = store();
    expect(s.settings.get('pausedAll')).toBeUndefined();
    expect(() =>
      s.db.transaction(() => {
        s.settings.set('pausedAll', true);
        expect(s.settings.get('pausedAll')).toBe(true);
        throw new Error('the import failed');
      })(),
    ).toThrow('the import failed');
    expect(s.settings.get('pausedAll')).toBeUndefined();
    expect(s.settings.engine().concurrency).toBe(10);
  });

  it('a value set through the repository is read back at once', () => {
    const s = store();
    s.settings.set('concurrency', 4);
    expect(s.settings.engine().concurrency).toBe(4);
    s.settings.set('concurrency', undefined);
    expect(s.settings.engine().concurrency).toBe(10);
  });

  it('the last-known engine settings skip the store until forgotten, then read the change', () => {
    const s = store();
    expect(s.settings.lastKnownEngine().concurrency).toBe(10);
    setConcurrencyElsewhere(s.paths.db, 7);
    expect(s.settings.lastKnownEngine().concurrency).toBe(10);
    s.settings.forget();
    expect(s.settings.lastKnownEngine().concurrency).toBe(7);
  });
});
