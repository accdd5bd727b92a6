/**
 * Schedule rows. The spec is kept as JSON with its secret fields sealed (encrypted) by the codec
 * handed in; the live state (paused, lastOccurrence) has its own columns so the scheduler can
 * update it without rewriting the spec.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Schedule, ScheduleSpec } from '../types.ts';
import { deepFreeze } from '../deep-freeze.ts';

interface ScheduleRow {
  id: string;
  name: string;
  name_key: string | null;
  spec: string;
  enabled: number;
  paused: number;
  priority: number;
  last_occurrence: number | null;
  created_at: number;
  updated_at: number;
}

/** Seals secrets before a spec is stored and opens them when it is read. */
export interface SpecCodec {
  seal(spec: ScheduleSpec): ScheduleSpec;
  open(spec: ScheduleSpec): ScheduleSpec;
}

export type SchedulesRepo = ReturnType<typeof createSchedulesRepo>;

/**
 * What makes two schedule names the same name: equal once lower-cased. A schedule file's duplicate
 * check (config/cross-checks.ts) folds with this same `toLowerCase`, so a store never holds a pair
 * the file validator would refuse together (SQLite's NOCASE folds ASCII letters only).
 */
export function scheduleNameKey(name: string): string {
  return name.toLowerCase();
}

/** Builds the schedule repository. */
export function createSchedulesRepo(db: Database, codec: SpecCodec) {
  const allStmt = db.prepare<[], ScheduleRow>('SELECT * FROM schedules ORDER BY name');
  // Oldest first: of two names differing only in case (a data folder from before migration 0007),
  // the exact spelling wins, and otherwise the one that has always answered to it.
  const byKeyStmt = db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE name_key = ? ORDER BY created_at, id');
  const byIdStmt = db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE id = ?');
  const insertStmt = db.prepare(`INSERT INTO schedules (id, name, name_key, spec, enabled, paused, priority,
      last_occurrence, created_at, updated_at) VALUES (@id, @name, @key, @spec, @enabled, 0, @priority, NULL, @now, @now)`);
  const updateStmt = db.prepare(`UPDATE schedules SET name = @name, name_key = @key, spec = @spec, enabled = @enabled,
      priority = @priority, last_occurrence = @lastOccurrence, updated_at = @now WHERE id = @id`);
  const pausedStmt = db.prepare('UPDATE schedules SET paused = ?, updated_at = ? WHERE id = ?');
  const enabledStmt = db.prepare('UPDATE schedules SET enabled = ?, last_occurrence = ?, updated_at = ? WHERE id = ?');
  const occurrencesStmt = db.prepare(`UPDATE schedules SET last_occurrence = marker.value ->> 1
      FROM json_each(?) AS marker WHERE schedules.id = marker.value ->> 0`);
  const deleteStmt = db.prepare('DELETE FROM schedules WHERE id = ?');
  const deleteAllStmt = db.prepare('DELETE FROM schedules');

  // Migration 0007 could fold ASCII names only; give any other name its key (once: a key set
  // here stays right, and every later write sets it).
  const keys = db.prepare<[], Pick<ScheduleRow, 'id' | 'name' | 'name_key'>>('SELECT id, name, name_key FROM schedules').all();
  const stale = keys.filter((row) => row.name_key !== scheduleNameKey(row.name));
  if (stale.length) {
    const setKey = db.prepare('UPDATE schedules SET name_key = ? WHERE id = ?');
    db.transaction(() => {
      for (const row of stale) setKey.run(scheduleNameKey(row.name), row.id);
    }).immediate();
  }

  /** The schedule answering to `name` ignoring case; the exact spelling first. */
  const rowByName = (name: string): ScheduleRow | undefined => {
    const rows = byKeyStmt.all(scheduleNameKey(name));
    return rows.find((row) => row.name === name) ?? rows[0];
  };

  // Each schedule's spec as last opened, by id. A spec read again unchanged (every manual
  // trigger reads its schedule) is not parsed and decrypted again; it is frozen, so the copies
  // handed out can share it safely.
  const opened = new Map<string, { json: string; spec: ScheduleSpec }>();
  const openSpec = (row: ScheduleRow): ScheduleSpec => {
    const cached = opened.get(row.id);
    if (cached?.json === row.spec) return cached.spec;
    const spec = deepFreeze(codec.open(JSON.parse(row.spec) as ScheduleSpec));
    opened.set(row.id, { json: row.spec, spec });
    return spec;
  };

  const toSchedule = (row: ScheduleRow): Schedule => ({
    ...openSpec(row),
    id: row.id,
    enabled: row.enabled === 1,
    paused: row.paused === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastOccurrence: row.last_occurrence,
  });

  return {
    list(): Schedule[] {
      return allStmt.all().map(toSchedule);
    },
    /** The schedule with this name compared ignoring case (its stored spelling is in `name`). */
    getByName(name: string): Schedule | undefined {
      const row = rowByName(name);
      return row ? toSchedule(row) : undefined;
    },
    getById(id: string): Schedule | undefined {
      const row = byIdStmt.get(id);
      return row ? toSchedule(row) : undefined;
    },
    /**
     * Creates or replaces the schedule with this name, compared ignoring case: a stored name that
     * differs only in case takes the spelling given (schedule-service.ts decides when that is
     * allowed). An update keeps the id, pause state and occurrence marker; enabling a disabled
     * schedule, or changing its cron or time zone, moves the marker to `now`, so the time it was
     * off (or the new pattern's past) is never "missed".
     */
    upsert(spec: ScheduleSpec, now: number): Schedule {
      const stored = JSON.stringify(codec.seal(spec));
      const existing = rowByName(spec.name);
      const key = scheduleNameKey(spec.name);
      if (!existing) {
        const id = randomUUID();
        insertStmt.run({ id, name: spec.name, key, spec: stored, enabled: spec.enabled ? 1 : 0, priority: spec.priority, now });
        return this.getById(id)!;
      }
      const before = JSON.parse(existing.spec) as ScheduleSpec;
      const restart =
        (spec.enabled && existing.enabled === 0) || before.cron !== spec.cron || before.timezone !== spec.timezone;
      updateStmt.run({
        id: existing.id,
        name: spec.name,
        key,
        spec: stored,
        enabled: spec.enabled ? 1 : 0,
        priority: spec.priority,
        lastOccurrence: restart ? Math.max(existing.last_occurrence ?? 0, now) : existing.last_occurrence,
        now,
      });
      return this.getById(existing.id)!;
    },
    setPaused(id: string, paused: boolean, now: number): void {
      pausedStmt.run(paused ? 1 : 0, now, id);
    },
    setEnabled(id: string, enabled: boolean, now: number): void {
      const row = byIdStmt.get(id);
      if (!row || (row.enabled === 1) === enabled) return;
      enabledStmt.run(enabled ? 1 : 0, enabled ? now : row.last_occurrence, now, id);
    },
    /** Moves the occurrence markers of many schedules in one statement: [id, occurrence] pairs. */
    setLastOccurrences(markers: ReadonlyArray<readonly [string, number]>): void {
      if (markers.length) occurrencesStmt.run(JSON.stringify(markers));
    },
    remove(id: string): boolean {
      opened.delete(id);
      return deleteStmt.run(id).changes === 1;
    },
    removeAll(): void {
      opened.clear();
      deleteAllStmt.run();
    },
  };
}
