/**
 * Schedule-file level operations on a store: import (all or nothing), export (secrets left
 * out), and saving one schedule or connection. A secret written as `<secret>` means "keep the
 * stored value", so an exported file can be edited and imported back without re-typing passwords.
 */
import {
  collectConnectionSecrets,
  collectSettingsSecrets,
  keepStoredSecrets,
  mapConnectionSecrets,
  mapSecrets,
  mapSettingsSecrets,
  SECRET_PLACEHOLDER,
  type SecretMapper,
} from './config/secret-fields.ts';
import type { ScheduleFile, SettingsPatch } from './config/validate.ts';
import { ValidationError } from './errors.ts';
import { isEncrypted } from './store/secrets.ts';
import type { Store } from './store/store.ts';
import type { ConnectionSpec, Schedule, ScheduleSpec } from './types.ts';

export interface ImportSummary {
  created: string[];
  updated: string[];
  removed: string[];
  connections: string[];
  settings: string[];
}

/** The settings keys a schedule file may carry, in export order. */
const SETTINGS_KEYS = ['smtp', 'webhooks', 'notify', 'concurrency', 'heartbeatSeconds', 'graceSeconds', 'retentionDays', 'outputCapBytes', 'allowedExecutables', 'notifyFloodMinutes'] as const;

/** The spec part of a stored schedule (what a file holds). */
export function toSpec(schedule: Schedule): ScheduleSpec {
  const { id: _id, paused: _p, createdAt: _c, updatedAt: _u, lastOccurrence: _l, ...spec } = schedule;
  return spec;
}

/** Fills `<secret>` placeholders from the stored value, or fails naming every field without one. */
function withStoredSecrets<T>(map: (value: T, fn: SecretMapper) => T, incoming: T, stored: T | undefined, where: string): T {
  const { value, missing } = keepStoredSecrets(map, incoming, stored);
  if (missing.length) {
    throw new ValidationError(missing.map((path) => ({ path: `${where} › ${path}`, message: `is ${SECRET_PLACEHOLDER} but no value is stored for it; give the real value` })));
  }
  return value;
}

/** Creates or updates one schedule; returns it as stored. */
export function saveSchedule(store: Store, spec: ScheduleSpec, now: number): Schedule {
  const stored = store.schedules.getByName(spec.name);
  const resolved = withStoredSecrets(mapSecrets, spec, stored && toSpec(stored), `schedules "${spec.name}"`);
  store.learnSecrets(resolved);
  return store.schedules.upsert(resolved, now);
}

/** Saves a connection, keeping the stored connection string when given `<secret>`. */
export function saveConnection(store: Store, connection: ConnectionSpec, now: number): void {
  const resolved = withStoredSecrets(mapConnectionSecrets, connection, store.connections.get(connection.name), `connections "${connection.name}"`);
  for (const secret of collectConnectionSecrets(resolved)) store.redactor.add(secret);
  store.connections.upsert(resolved, now);
}

/** The stored settings section, secrets sealed as they are at rest. */
function storedSettings(store: Store): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of SETTINGS_KEYS) {
    const value = store.settings.get<unknown>(key);
    if (value !== undefined) patch[key] = value;
  }
  return patch as SettingsPatch;
}

/** Saves the settings section of a file; secret values are sealed at rest. */
export function saveSettings(store: Store, patch: SettingsPatch): string[] {
  const stored = mapSettingsSecrets(storedSettings(store), (v) => (isEncrypted(v) ? store.box.decrypt(v) : v));
  const resolved = withStoredSecrets(mapSettingsSecrets, patch, stored, 'settings');
  for (const secret of collectSettingsSecrets(resolved)) store.redactor.add(secret);
  const sealed = mapSettingsSecrets(resolved, (v) => store.box.encrypt(v));
  const keys: string[] = [];
  for (const [key, value] of Object.entries(sealed)) {
    if (value === undefined) continue;
    store.settings.set(key, value);
    keys.push(key);
  }
  return keys;
}

/** Applies a validated schedule file in one transaction: all of it or nothing. */
export function importScheduleFile(store: Store, file: ScheduleFile, options: { replace?: boolean; now: number }): ImportSummary {
  const summary: ImportSummary = { created: [], updated: [], removed: [], connections: [], settings: [] };
  store.db.transaction(() => {
    for (const spec of file.schedules) {
      const existed = store.schedules.getByName(spec.name) !== undefined;
      saveSchedule(store, spec, options.now);
      (existed ? summary.updated : summary.created).push(spec.name);
    }
    if (options.replace) {
      const keep = new Set(file.schedules.map((s) => s.name));
      for (const schedule of store.schedules.list()) {
        if (keep.has(schedule.name)) continue;
        store.schedules.remove(schedule.id);
        summary.removed.push(schedule.name);
      }
    }
    for (const connection of file.connections) {
      saveConnection(store, connection, options.now);
      summary.connections.push(connection.name);
    }
    summary.settings = saveSettings(store, file.settings ?? {});
  }).immediate();
  return summary;
}

/** The store as a schedule file, with every secret replaced by `<secret>`. */
export function exportScheduleFile(store: Store): ScheduleFile {
  const hide = () => SECRET_PLACEHOLDER;
  return {
    schedules: store.schedules.list().map((s) => mapSecrets(toSpec(s), hide)),
    connections: store.connections.list().map((c) => mapConnectionSecrets(c, hide)),
    settings: mapSettingsSecrets(storedSettings(store), hide),
  };
}
