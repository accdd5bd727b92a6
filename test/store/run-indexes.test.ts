import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src-main/engine/store/migrate.ts';
import { createRunsRepo, type RunsRepo } from '../../src-main/engine/store/runs-repo.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const SHIPPED = fileURLToPath(new URL('../../src-main/engine/store/migrations/', import.meta.url));
const plain = { encode: (json: string) => json, decode: (stored: string) => stored };

/** A folder with the shipped migrations numbered up to `last`. */
function migrationsUpTo(last: number): string {
  const dir = path.join(tempDir('batchlight-run-indexes-'), 'migrations');
  mkdirSync(dir);
  for (const file of readdirSync(SHIPPED).filter((f) => Number(f.slice(0, 4)) <= last)) {
    copyFileSync(path.join(SHIPPED, file), path.join(dir, file));
  }
  return dir;
}

function run(id: string, scheduleId: string, createdAt: number): Run {
  return {
    id, scheduleId, scheduleName: scheduleId, attempt: 0, trigger: 'manual', triggeredBy: null, chainId: id,
    scheduledFor: createdAt, dueAt: createdAt, startedAt: createdAt, finishedAt: null, heartbeatAt: createdAt,
    status: 'running', exitCode: null, error: null, errorDetail: null, reason: null, stdoutTail: null,
    stderrTail: null, result: null, host: 'h', pid: null, priority: 0, timeoutSeconds: null,
    parameterOverrides: null, cancelRequested: false, createdAt,
  };
}

/** Two schedules' runs, several created in the same millisecond, most of them ended. */
function fill(db: BetterSqlite3.Database, runs: RunsRepo): void {
  const schedule = db.prepare(`INSERT INTO schedules (id, name, spec, enabled, paused, priority, last_occurrence,
    created_at, updated_at) VALUES (?, ?, '{}', 1, 0, 0, NULL, 0, 0)`);
  schedule.run('a', 'a');
  schedule.run('b', 'b');
  const ids = ['r07', 'r03', 'r11', 'r01', 'r09', 'r05', 'r02', 'r10', 'r04', 'r08', 'r06', 'r12'];
  ids.forEach((id, i) => {
    const started = run(id, i % 3 === 0 ? 'b' : 'a', 1_000 + Math.floor(i / 3));
    runs.insert(started);
    if (i < 10) runs.finish(started, { status: i % 4 === 0 ? 'failed' : 'succeeded', finishedAt: 5_000 - i * 7 });
  });
}

/** What the history views show: each list as ids, newest first, and each schedule's last end. */
function views(runs: RunsRepo) {
  const ids = (list: Run[]) => list.map((r) => r.id);
  const firstPage = runs.list({ limit: 5 });
  const last = firstPage[firstPage.length - 1]!;
  return {
    all: ids(runs.list()),
    secondPage: ids(runs.list({ limit: 5, before: { createdAt: last.createdAt, id: last.id } })),
    scheduleA: ids(runs.list({ scheduleId: 'a' })),
    scheduleBFailed: ids(runs.list({ scheduleId: 'b', statuses: ['failed'] })),
    window: ids(runs.list({ from: 1_001, to: 1_003 })),
    lastFinishedA: runs.lastFinished('a')?.id,
    lastFinishedB: runs.lastFinished('b')?.id,
  };
}

/**
 * WAL frames (pages) written per run stored, each run in a transaction of its own as a trigger
 * does, on a database that already holds 2,000 ended runs.
 */
function framesPerStoredRun(migrations: string): number {
  const folder = tempDir('batchlight-run-indexes-');
  const db = new BetterSqlite3(path.join(folder, 'batchlight.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  migrate(db, migrations);
  const runs = createRunsRepo(db, plain);
  db.prepare(`INSERT INTO schedules (id, name, spec, enabled, paused, priority, last_occurrence, created_at, updated_at)
    VALUES ('s', 's', '{}', 1, 0, 0, NULL, 0, 0)`).run();
  const store = (i: number) => {
    const started = run(randomUUID(), 's', 1_700_000_000_000 + i);
    db.transaction(() => runs.insert(started)).immediate();
    return started;
  };
  for (let i = 0; i < 2_000; i += 1) {
    runs.finish(store(i), { status: 'succeeded', finishedAt: 1_700_000_000_000 + i, stdoutTail: 'x'.repeat(300) });
  }
  const frames = () => statSync(path.join(folder, 'batchlight.db-wal')).size / (24 + 4096);
  const before = frames();
  for (let i = 2_000; i < 2_400; i += 1) store(i);
  const perRun = (frames() - before) / 400;
  db.close();
  return perRun;
}

describe('run indexes (migration 0006: ascending)', () => {
  it('storing a run writes about one page per index, where descending indexes rewrote siblings', () => {
    // Five pages at least: the row, its primary key and three indexes. Descending indexes made it
    // 6.6-6.7 here, ascending 5.7-5.9 (the primary key is a random UUID, which varies it a little).
    const ascending = framesPerStoredRun(SHIPPED);
    expect(ascending).toBeLessThan(6.25);
    expect(framesPerStoredRun(migrationsUpTo(5))).toBeGreaterThan(ascending + 0.5);
  });

  it('a database from before the change lists its history exactly as before, newest first', () => {
    const db = new BetterSqlite3(path.join(tempDir('batchlight-run-indexes-'), 'batchlight.db'));
    migrate(db, migrationsUpTo(5));
    const runs = createRunsRepo(db, plain);
    fill(db, runs);
    const before = views(runs);

    expect(migrate(db, migrationsUpTo(6)).applied).toEqual(['0006_ascending_run_indexes.sql']);
    const after = views(createRunsRepo(db, plain));

    expect(after).toEqual(before);
    expect(after.all).toEqual(['r12', 'r08', 'r06', 'r10', 'r04', 'r02', 'r09', 'r05', 'r01', 'r11', 'r07', 'r03']);
    expect(after.secondPage).toEqual(['r02', 'r09', 'r05', 'r01', 'r11']);
    expect(after.scheduleA).toEqual(['r12', 'r06', 'r10', 'r04', 'r09', 'r05', 'r11', 'r03']);
    expect(after.scheduleBFailed).toEqual(['r07']);
    expect(after.window).toEqual(['r10', 'r04', 'r02', 'r09', 'r05', 'r01']);
    expect([after.lastFinishedA, after.lastFinishedB]).toEqual(['r03', 'r07']);
    db.close();
  });
});
