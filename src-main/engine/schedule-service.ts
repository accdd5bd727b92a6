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
import { itemPrefix, type ScheduleFile, type SettingsPatch } from './config/validate.ts';
import { ValidationError, type Problem } from './errors.ts';
import { missingReferences } from './import-warnings.ts';
import { isEncrypted } from './store/secrets.ts';
import type { Store } from './store/store.ts';
import type { ConnectionSpec, Schedule, ScheduleSpec } from './types.ts';

export interface ImportSummary {
  created: string[];
  updated: string[];
  removed: string[];
  connections: string[];
  settings: string[];
  /** Names the schedules use that neither the file nor the data folder holds (import-warnings.ts). */
  warnings: Problem[];
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

/** How saveSchedule treats a stored schedule whose name differs from the spec's only in letter case. */
export interface SaveScheduleOptions {
  /** The path a refusal names (default `name`). */
  where?: string;
  /** Give the stored schedule the spec's spelling (an import with --replace) instead of refusing. */
  renameCase?: boolean;
}

/**
 * Why `given` is refused: names of schedules (and of connections) are compared ignoring case,
 * and `stored` holds it. `remedy` says what to do instead.
 */
export function nameTakenMessage(given: string, stored: string, remedy: string, kind = 'schedule'): string {
  const same = given === stored ? '' : ` ('${given}' is the same name: ${kind} names are compared ignoring case)`;
  return `A ${kind} named '${stored}' already exists${same}; ${remedy}`;
}

/**
 * Creates or updates one schedule; returns it as stored. Names are compared ignoring case, as in a
 * schedule file: the schedule stored as 'nightly' is updated by 'nightly', and 'Nightly' is refused
 * (it would rename it) unless `renameCase` is set, so two names differing only in case never exist.
 */
export function saveSchedule(store: Store, spec: ScheduleSpec, now: number, options: SaveScheduleOptions = {}): Schedule {
  return store.db.transaction(() => {
    const stored = store.schedules.getByName(spec.name);
    if (stored && stored.name !== spec.name && !options.renameCase) {
      const remedy = `use '${stored.name}' to change that schedule, or choose another name`;
      throw new ValidationError([{ path: options.where ?? 'name', message: nameTakenMessage(spec.name, stored.name, remedy) }]);
    }
    const resolved = withStoredSecrets(mapSecrets, spec, stored && toSpec(stored), `schedules "${spec.name}"`);
    store.learnSecrets(resolved);
    return store.schedules.upsert(resolved, now);
  }).immediate();
}

/** Saves a connection, keeping the stored connection string when given `<secret>`. */
export function saveConnection(store: Store, connection: ConnectionSpec, now: number, where = 'name'): void {
  const stored = store.connections.get(connection.name);
  if (stored && stored.name !== connection.name) {
    const remedy = `use '${stored.name}' to change that connection, or choose another name`;
    throw new ValidationError([{ path: where, message: nameTakenMessage(connection.name, stored.name, remedy, 'connection') }]);
  }
  const resolved = withStoredSecrets(mapConnectionSecrets, connection, stored, `connections "${connection.name}"`);
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

/**
 * Applies a validated schedule file in one transaction: all of it or nothing. A schedule whose
 * name is stored in another letter case is refused, naming its place in the file; with `replace`
 * (the file is the whole truth) it takes the file's spelling, keeping its id and run history.
 */
export function importScheduleFile(store: Store, file: ScheduleFile, options: { replace?: boolean; now: number }): ImportSummary {
  const summary: ImportSummary = { created: [], updated: [], removed: [], connections: [], settings: [], warnings: [] };
  store.db.transaction(() => {
    const kept = new Set<string>();
    file.schedules.forEach((spec, index) => {
      const existed = store.schedules.getByName(spec.name) !== undefined;
      const where = `${itemPrefix('schedules', index, spec)} › name`;
      kept.add(saveSchedule(store, spec, options.now, { where, renameCase: options.replace }).id);
      (existed ? summary.updated : summary.created).push(spec.name);
    });
    if (options.replace) {
      for (const schedule of store.schedules.list()) {
        if (kept.has(schedule.id)) continue;
        store.schedules.remove(schedule.id);
        summary.removed.push(schedule.name);
      }
    }
    file.connections.forEach((connection, index) => {
      saveConnection(store, connection, options.now, `${itemPrefix('connections', index, connection)} › name`);
      summary.connections.push(connection.name);
    });
    summary.settings = saveSettings(store, file.settings ?? {});
    summary.warnings = missingReferences(store, file.schedules);
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
