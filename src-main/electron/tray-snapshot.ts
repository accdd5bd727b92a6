/**
 * Reads what the tray shows from the engine at one instant. Kept apart from tray-model.ts so the
 * model stays a pure function of plain data, and apart from tray.ts so it runs without Electron.
 */
import type { Engine } from '../engine/engine.ts';
import type { Run } from '../engine/types.ts';
import type { TrayRun, TraySnapshot } from './tray-model.ts';

/** What only the shell knows: when failures were last looked at, and the login-item flag. */
export interface ShellState {
  failuresSeenAt: number;
  startAtLogin: boolean;
  timeZone?: string;
}

const DAY_MS = 86_400_000;
const FAILURE_LIMIT = 50;

/** A snapshot of the engine for trayView(). */
export function readTraySnapshot(engine: Engine, shell: ShellState): TraySnapshot {
  const now = engine.clock.now();
  return {
    now,
    timeZone: shell.timeZone,
    engine: engine.state(),
    schedules: engine.listSchedules().map(({ schedule, nextRunAt }) => ({
      name: schedule.name,
      tags: schedule.tags,
      enabled: schedule.enabled,
      paused: schedule.paused,
      overlap: schedule.overlap,
      nextRunAt,
    })),
    running: engine.listRuns({ statuses: ['running'], limit: 100 }).map(trayRun),
    failures: engine
      .listRuns({ statuses: ['failed', 'timed_out', 'interrupted'], from: now - DAY_MS, limit: FAILURE_LIMIT })
      .map(trayRun)
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0)),
    failuresSeenAt: shell.failuresSeenAt,
    startAtLogin: shell.startAtLogin,
  };
}

function trayRun(run: Run): TrayRun {
  return { id: run.id, scheduleName: run.scheduleName, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt };
}
