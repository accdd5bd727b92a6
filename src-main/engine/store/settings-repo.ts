/**
 * Key/value settings (engine limits, pause-all, SMTP and webhooks later). Values are JSON; a
 * secret value is sealed by the codec. Reading merges the stored values over the defaults.
 *
 * The engine reads settings on every dispatch and every run, so the stored values are kept in
 * memory and read again only when they may have changed: after a write through this repository,
 * or when SQLite's data_version says another connection (the CLI, another process) committed.
 */
import type { Database } from 'better-sqlite3';
import { DEFAULT_SETTINGS, type EngineSettings } from '../types.ts';

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;

/** Builds the settings repository. */
export function createSettingsRepo(db: Database) {
  const allStmt = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const setStmt = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  const versionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();

  let cache: { version: number; raw: Map<string, string>; engine?: Readonly<EngineSettings> } | undefined;
  /**
   * The stored JSON by key, read again only when it may have changed. Inside a transaction it is
   * read and not kept: the transaction may still roll back what it has written.
   */
  const stored = () => {
    if (db.inTransaction) return { version: -1, raw: new Map(allStmt.all().map((r) => [r.key, r.value])) } as NonNullable<typeof cache>;
    const version = versionStmt.get()!;
    if (cache?.version !== version) cache = { version, raw: new Map(allStmt.all().map((r) => [r.key, r.value])) };
    return cache;
  };

  /** The engine settings, stored values over defaults (a frozen object: do not change it). */
  const engine = (): Readonly<EngineSettings> => {
    const current = stored();
    if (!current.engine) {
      const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
      for (const key of Object.keys(DEFAULT_SETTINGS)) {
        const raw = current.raw.get(key);
        if (raw !== undefined) merged[key] = JSON.parse(raw);
      }
      current.engine = Object.freeze(merged as unknown as EngineSettings);
    }
    return current.engine;
  };

  const get = <T>(key: string): T | undefined => {
    const raw = stored().raw.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  };

  return {
    engine,
    /**
     * The engine settings as last read, without asking SQLite whether another connection changed
     * them (that check is a read transaction of its own, ~10 µs with WAL locks). For the engine's
     * per-run paths; the engine calls `forget()` when data_version moves, which it polls anyway.
     */
    lastKnownEngine(): Readonly<EngineSettings> {
      return cache?.engine ?? engine();
    },
    /** One setting as last read, like lastKnownEngine (for the engine's per-run paths). */
    lastKnown<T>(key: string): T | undefined {
      if (!cache) return get<T>(key);
      const raw = cache.raw.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    /** Drops what is kept in memory, so that the next read goes to the store. */
    forget(): void {
      cache = undefined;
    },
    get,
    set(key: string, value: unknown): void {
      if (value === undefined) deleteStmt.run(key);
      else setStmt.run(key, JSON.stringify(value));
      cache = undefined;
    },
  };
}
