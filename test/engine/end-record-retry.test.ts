/**
 * A run's end that cannot be committed (another process holds SQLite's write lock past the busy
 * timeout; a full disk takes the same path) is tried again until it is stored: the run keeps its
 * slot meanwhile, and nothing is run twice.
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeEngine, nodeJob, onCleanup, scheduleSpec, tempDir, waitFor, waitForEnd } from '../helpers/engine-harness.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';

/** A job that runs until the file named by its first argument exists. No braces: `{…}` in a job's arguments is a placeholder. */
const WAIT_FOR_FILE = "const fs=require('fs');const t=setInterval(()=>fs.existsSync(process.argv[1])&&clearInterval(t),20)";

describe('run ends the store cannot take at once', () => {
  it('are recorded once the store is writable again, and the schedule runs again normally', async () => {
    const dataDir = tempDir();
    const release = path.join(dataDir, 'release');
    const ledger = path.join(dataDir, 'ledger');
    const lines: string[] = [];
    const engine = makeEngine({ dataDir, logger: recordingLogger(lines) });
    // Short, so that each try blocks the engine's thread briefly; the default is 5 s.
    engine.store.db.pragma('busy_timeout = 50');
    await engine.start();
    // No braces: `{…}` in a job's arguments is a placeholder.
    const script = "const fs=require('fs');fs.appendFileSync(process.argv[2],'ran\\n');const t=setInterval(()=>fs.existsSync(process.argv[1])&&clearInterval(t),20)";
    engine.saveSchedule(scheduleSpec({ name: 'locked-end', overlap: 'skip', job: { ...nodeJob(script), arguments: ['-e', script, release, ledger] } }));
    const first = engine.trigger('locked-end');
    await waitFor(() => engine.getRun(first.id).status === 'running' && fs.existsSync(ledger), 10_000, 'the job to start');

    const other = new BetterSqlite3(engine.store.paths.db);
    onCleanup(() => void other.close());
    other.exec('BEGIN IMMEDIATE');
    fs.writeFileSync(release, '');
    await waitFor(() => lines.some((l) => l.startsWith('error Could not record the end of runs')), 10_000, 'a failed try');
    expect(engine.getRun(first.id).status).toBe('running');

    other.exec('ROLLBACK');
    const ended = await waitForEnd(engine, first.id);
    expect(ended.status).toBe('succeeded');
    const second = await waitForEnd(engine, engine.trigger('locked-end').id);
    expect(second.status).toBe('succeeded');
    expect(engine.listRuns({ scheduleId: first.scheduleId }).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(fs.readFileSync(ledger, 'utf8')).toBe('ran\nran\n');
  });

  it('do not hold up a stop: it ends, saying so, and the row is left running as after a crash', async () => {
    const dataDir = tempDir();
    const release = path.join(dataDir, 'release');
    const lines: string[] = [];
    const engine = makeEngine({ dataDir, logger: recordingLogger(lines) });
    engine.store.db.pragma('busy_timeout = 50');
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'locked-stop', job: { ...nodeJob(WAIT_FOR_FILE), arguments: ['-e', WAIT_FOR_FILE, release] } }));
    const run = engine.trigger('locked-stop');
    await waitFor(() => engine.getRun(run.id).pid, 10_000, 'the job to start');

    const other = new BetterSqlite3(engine.store.paths.db);
    onCleanup(() => void other.close());
    other.exec('BEGIN IMMEDIATE');
    fs.writeFileSync(release, '');
    await waitFor(() => lines.some((l) => l.startsWith('error Could not record the end of runs')), 10_000, 'a failed try');
    await engine.stop({ graceMs: 100 });
    expect(lines.some((l) => l.startsWith('error Run ends not recorded') && l.includes(run.id))).toBe(true);
    other.exec('ROLLBACK');

    // As after a crash: the row still says running, for the next start's recovery (durability.test.ts).
    expect(makeEngine({ dataDir }).getRun(run.id).status).toBe('running');
  });
});
