/**
 * WAL checkpoints run on a worker thread while the engine serves (store/checkpointer.ts): the
 * engine's connection stops checkpointing, committed pages still reach the database file, a WAL
 * file grown by a burst is cut back once it restarts, and a worker that cannot run gives
 * checkpointing back to the engine's connection, saying why.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src-main/engine/logger.ts';
import { startCheckpointer } from '../../src-main/engine/store/checkpointer.ts';
import { openStore } from '../../src-main/engine/store/store.ts';
import { onCleanup, tempDir, waitFor } from '../helpers/engine-harness.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';

function warnings(): { logger: Logger; seen: string[] } {
  const seen: string[] = [];
  return { logger: recordingLogger(seen), seen };
}

function store() {
  const opened = openStore(tempDir());
  onCleanup(() => opened.close());
  return opened;
}

const autocheckpoint = (s: ReturnType<typeof store>) => s.db.pragma('wal_autocheckpoint', { simple: true });

describe('the checkpoint worker', () => {
  it('copies committed pages into the database file while the engine connection does not checkpoint', async () => {
    const s = store();
    const { logger, seen } = warnings();
    const checkpointer = startCheckpointer(s.db, s.paths.db, logger, { intervalMs: 50 });
    onCleanup(() => checkpointer.stop());
    expect(autocheckpoint(s)).toBe(0);
    const before = fs.statSync(s.paths.db).size;
    s.db.exec('CREATE TABLE filler (text TEXT)');
    const insert = s.db.prepare('INSERT INTO filler (text) VALUES (?)');
    s.db.transaction(() => {
      for (let i = 0; i < 3000; i += 1) insert.run('x'.repeat(500));
    })();

    await waitFor(() => fs.statSync(s.paths.db).size > before + 1_000_000, 10_000, 'the worker to checkpoint the WAL into the database file');
    expect(seen).toEqual([]);
    await checkpointer.stop();
    expect(autocheckpoint(s)).toBe(1000);
  });

  it('lets a WAL file grown past 64 MB by a burst be cut back when the next write restarts it', async () => {
    const s = store();
    const { logger, seen } = warnings();
    const checkpointer = startCheckpointer(s.db, s.paths.db, logger, { intervalMs: 20 });
    onCleanup(() => checkpointer.stop());
    const wal = `${s.paths.db}-wal`;
    s.db.exec('CREATE TABLE filler (bytes BLOB)');
    const insert = s.db.prepare('INSERT INTO filler (bytes) VALUES (?)');
    const page = Buffer.alloc(4000, 1);
    s.db.transaction(() => {
      for (let i = 0; i < 20_000; i += 1) insert.run(page);
    })();
    expect(fs.statSync(wal).size).toBeGreaterThan(72 * 1024 * 1024);

    let more = 0;
    await waitFor(() => {
      insert.run(page);
      more += 1;
      return fs.statSync(wal).size <= 64 * 1024 * 1024;
    }, 20_000, 'the WAL file to be cut back to 64 MB');
    expect(s.db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 20_000 + more });
    expect(seen).toEqual([]);
  });

  it('that cannot start hands checkpointing back to the engine connection and logs why', async () => {
    const s = store();
    const { logger, seen } = warnings();
    const checkpointer = startCheckpointer(s.db, s.paths.db, logger, { driver: '/nowhere/better-sqlite3.js', intervalMs: 50 });

    await waitFor(() => seen.length > 0, 10_000, 'the warning');
    expect(seen[0]).toMatch(/^warn SQLite checkpoints are back on the engine's thread: the checkpoint worker failed \(.*nowhere/);
    expect(autocheckpoint(s)).toBe(1000);
    await checkpointer.stop();
  });
});
