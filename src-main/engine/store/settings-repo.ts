/**
 * Key/value settings (engine limits, pause-all, SMTP and webhooks later). Values are JSON; a
 * secret value is sealed by the codec. Reading merges the stored values over the defaults.
 */
import type { Database } from 'better-sqlite3';
import { DEFAULT_SETTINGS, type EngineSettings } from '../types.ts';

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;

/** Builds the settings repository. */
export function createSettingsRepo(db: Database) {
  const allStmt = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const setStmt = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');

  return {
    /** The engine settings, stored values over defaults. */
    engine(): EngineSettings {
      const stored = Object.fromEntries(allStmt.all().map((r) => [r.key, JSON.parse(r.value) as unknown]));
      const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
      for (const key of Object.keys(DEFAULT_SETTINGS)) if (key in stored) merged[key] = stored[key];
      return merged as unknown as EngineSettings;
    },
    get<T>(key: string): T | undefined {
      const row = getStmt.get(key);
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    set(key: string, value: unknown): void {
      if (value === undefined) deleteStmt.run(key);
      else setStmt.run(key, JSON.stringify(value));
    },
  };
}
