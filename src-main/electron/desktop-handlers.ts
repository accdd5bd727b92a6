/**
 * The desktop-only API (start at login, muted notifications, the log folder) and the shell state
 * kept in the engine's settings table, so it survives restarts. Electron's calls are passed in,
 * so this runs without Electron.
 */
import { describeValue, ValidationError } from '../engine/errors.ts';
import type { DesktopApi, DesktopSettings } from './desktop-contract.ts';

/** The settings table, as the engine's store exposes it. */
export interface SettingsStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export interface DesktopDeps {
  settings: SettingsStore;
  logFolder: string;
  getStartAtLogin: () => boolean;
  setStartAtLogin: (enabled: boolean) => void;
  openFolder: (folder: string) => Promise<void>;
  /** Called after any change, to refresh the tray and tell the window. */
  changed: (settings: DesktopSettings) => void;
}

const MUTE_KEY = 'desktop.muteNotifications';
const SEEN_KEY = 'desktop.failuresSeenAt';

/** Whether failure notifications are muted. */
export function isMuted(settings: SettingsStore): boolean {
  return settings.get<boolean>(MUTE_KEY) === true;
}

/** When the user last looked at failures (epoch ms; 0 = never). */
export function failuresSeenAt(settings: SettingsStore): number {
  const value = settings.get<number>(SEEN_KEY);
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Records that the user has looked at failures up to `at`. */
export function markFailuresSeen(settings: SettingsStore, at: number): void {
  if (at > failuresSeenAt(settings)) settings.set(SEEN_KEY, at);
}

function expectBoolean(args: unknown, field: string): boolean {
  const value = (args as Record<string, unknown> | null | undefined)?.[field];
  if (typeof value !== 'boolean') throw new ValidationError([{ path: field, message: `Expected \`${field}\` to be a boolean, got ${describeValue(value)}` }]);
  return value;
}

/** The DesktopApi handlers; every input is checked here, since it comes from the page. */
export function createDesktopHandlers(deps: DesktopDeps): DesktopApi {
  const current = (): DesktopSettings => ({
    startAtLogin: deps.getStartAtLogin(),
    muteNotifications: isMuted(deps.settings),
    logFolder: deps.logFolder,
  });
  const after = () => {
    const settings = current();
    deps.changed(settings);
    return settings;
  };
  return {
    getDesktopSettings: async () => current(),
    async setStartAtLogin(args) {
      deps.setStartAtLogin(expectBoolean(args, 'enabled'));
      return after();
    },
    async setMuteNotifications(args) {
      deps.settings.set(MUTE_KEY, expectBoolean(args, 'muted'));
      return after();
    },
    openLogFolder: () => deps.openFolder(deps.logFolder),
  };
}
