/**
 * Case 1, store floor (a child process): what writing one second's runs costs SQLite alone, with
 * the engine's schema, repository and insert and no engine around them. One round is what a wake
 * writes: 1,000 run rows, one per schedule, written as running in one IMMEDIATE transaction; the
 * case does one round per second of its window, so the table grows as the engine's does. The
 * engine writes a run's row before the run starts (DESIGN.md: the row comes first) and stamps
 * `startedAt` as it writes it, so the time until the 990th row is written is a floor under the
 * engine's p99 start lateness on this machine, whatever else the engine does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newRun } from '../src-main/engine/runs/admission.ts';
import { openStore } from '../src-main/engine/store/store.ts';
import type { Run } from '../src-main/engine/types.ts';
import { everySecondFile } from './every-second-file.ts';
import { benchSeconds, progress, reportResult } from './case-process.ts';
import { summarise, type Summary } from './stats.ts';

/** What the store-floor side reports, per round of 1,000 rows. */
export interface StoreFloorResult {
  side: 'store-floor';
  rounds: number;
  rowsPerRound: number;
  /** From BEGIN IMMEDIATE until the 990th row is written, ms. */
  row990: Summary;
  /** From BEGIN IMMEDIATE until COMMIT returns, ms. */
  committed: Summary;
}

const ROWS = 1000;
const label = 'store floor';
const rounds = benchSeconds();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-bench-floor-'));
const store = openStore(dataDir);
try {
  const file = everySecondFile(ROWS);
  const schedules = file.schedules.map((spec) => store.schedules.upsert(spec, Date.now()));
  // As while the engine serves: checkpoints happen off the writer's path (here between rounds).
  store.db.pragma('wal_autocheckpoint = 0');
  const finishAll = store.db.prepare(`UPDATE runs SET status = 'succeeded', finished_at = ? WHERE status = 'running'`);
  let row990 = 0;
  const writeRound = store.db.transaction((rows: Run[], began: number) => {
    rows.forEach((run, index) => {
      store.runs.insert(run);
      if (index === 989) row990 = performance.now() - began;
    });
  });
  progress(label, `${ROWS} schedules stored; ${rounds} rounds of ${ROWS} run rows, each in one transaction`);
  const toRow990: number[] = [];
  const toCommit: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const now = Date.now();
    const rows = schedules.map((s): Run => ({ ...newRun(s, { trigger: 'schedule', scheduledFor: now }, 'bench', now), status: 'running', startedAt: now, heartbeatAt: now }));
    const began = performance.now();
    writeRound.immediate(rows, began);
    toCommit.push(performance.now() - began);
    toRow990.push(row990);
    finishAll.run(Date.now());
    store.db.pragma('wal_checkpoint(PASSIVE)');
  }
  const result: StoreFloorResult = { side: 'store-floor', rounds, rowsPerRound: ROWS, row990: summarise(toRow990), committed: summarise(toCommit) };
  reportResult(result);
} finally {
  store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
