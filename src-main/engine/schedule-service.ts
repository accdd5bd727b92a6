/**
 * Schedule-file level operations on a store: import (all or nothing), export (secrets left
 * out), and saving one schedule. A secret written as `<secret>` means "keep the stored value",
 * so an exported file can be edited and imported back without re-typing passwords.
 */
import { mapSecrets, SECRET_PLACEHOLDER } from './config/secret-fields.ts';
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

/** The spec part of a stored schedule (what a file holds). */
export function toSpec(schedule: Schedule): ScheduleSpec {
  const { id: _id, paused: _p, createdAt: _c, updatedAt: _u, lastOccurrence: _l, ...spec } = schedule;
  return spec;
}

/** Replaces `<secret>` placeholders in `incoming` with the values stored for the same fields. */
function keepStoredSecrets(incoming: ScheduleSpec, stored: Schedule | undefined): ScheduleSpec {
  const known = new Map<string, string>();
  if (stored) mapSecrets(toSpec(stored), (value, path) => (known.set(path, value), value));
  return mapSecrets(incoming, (value, path) => {
    if (value !== SECRET_PLACEHOLDER) return value;
    const kept = known.get(path);
    if (kept === undefined) {
      throw new ValidationError([{ path: `schedules "${incoming.name}" › ${path}`, message: `is ${SECRET_PLACEHOLDER} but no value is stored for it; give the real value` }]);
    }
    return kept;
  });
}

/** Creates or updates one schedule; returns it as stored. */
export function saveSchedule(store: Store, spec: ScheduleSpec, now: number): Schedule {
  const resolved = keepStoredSecrets(spec, store.schedules.getByName(spec.name));
  store.learnSecrets(resolved);
  return store.schedules.upsert(resolved, now);
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
        if (!keep.has(schedule.name)) {
          store.schedules.remove(schedule.id);
          summary.removed.push(schedule.name);
        }
      }
    }
    for (const connection of file.connections) {
      saveConnection(store, connection, options.now);
      summary.connections.push(connection.name);
    }
    for (const [key, value] of Object.entries(file.settings ?? {})) {
      if (value === undefined) continue;
      store.settings.set(key, sealSetting(store, key, value));
      summary.settings.push(key);
    }
  }).immediate();
  return summary;
}

/** Saves a connection, keeping the stored connection string when given `<secret>`. */
export function saveConnection(store: Store, connection: ConnectionSpec, now: number): void {
  let connectionString = connection.connectionString;
  if (connectionString === SECRET_PLACEHOLDER) {
    const stored = store.connections.get(connection.name);
    if (!stored) {
      throw new ValidationError([{ path: `connections "${connection.name}" › connectionString`, message: `is ${SECRET_PLACEHOLDER} but no value is stored for it` }]);
    }
    connectionString = stored.connectionString;
  }
  store.redactor.add(connectionString);
  store.connections.upsert({ ...connection, connectionString }, now);
}

function sealSetting(store: Store, key: string, value: unknown): unknown {
  if (key !== 'smtp' || typeof value !== 'object' || value === null) return value;
  const smtp = value as { password?: string };
  if (!smtp.password) return value;
  let password = smtp.password;
  if (password === SECRET_PLACEHOLDER) {
    const stored = store.settings.get<{ password?: string }>('smtp')?.password;
    if (!stored) throw new ValidationError([{ path: 'settings › smtp.password', message: `is ${SECRET_PLACEHOLDER} but no value is stored for it` }]);
    return { ...smtp, password: stored };
  }
  store.redactor.add(password);
  if (!isEncrypted(password)) password = store.box.encrypt(password);
  return { ...smtp, password };
}

/** The store as a schedule file, with every secret replaced by `<secret>`. */
export function exportScheduleFile(store: Store): ScheduleFile {
  const hide = () => SECRET_PLACEHOLDER;
  const settings: Record<string, unknown> = {};
  for (const key of ['smtp', 'webhooks', 'notify', 'concurrency', 'heartbeatSeconds', 'graceSeconds', 'retentionDays', 'outputCapBytes', 'allowedExecutables']) {
    const value = store.settings.get<unknown>(key);
    if (value === undefined) continue;
    settings[key] = key === 'smtp' && typeof value === 'object' && value && 'password' in value ? { ...value, password: SECRET_PLACEHOLDER } : value;
  }
  return {
    schedules: store.schedules.list().map((s) => mapSecrets(toSpec(s), hide)),
    connections: store.connections.list().map((c) => ({ ...c, connectionString: SECRET_PLACEHOLDER })),
    settings: settings as SettingsPatch,
  };
}
