/**
 * What the tray app adds to the API for its own window (types only): settings that belong to the
 * desktop (start at login, muted notifications, the log folder) and the shell asking the page to
 * show a run. The headless host has none of these; the renderer finds `window.batchlightDesktop`
 * only inside the tray app.
 */
import type { BatchlightApi, BatchlightEvents } from '../api/contract.ts';

export interface DesktopSettings {
  startAtLogin: boolean;
  muteNotifications: boolean;
  /** Where the main process writes its log (shown in Settings). */
  logFolder: string;
}

/** Desktop-only verbs, exposed as `window.batchlightDesktop`. */
export interface DesktopApi {
  getDesktopSettings: () => Promise<DesktopSettings>;
  setStartAtLogin: (args: { enabled: boolean }) => Promise<DesktopSettings>;
  setMuteNotifications: (args: { muted: boolean }) => Promise<DesktopSettings>;
  openLogFolder: () => Promise<void>;
}

/** Events the shell pushes to its own window. */
export interface DesktopEvents {
  /** Show this run's log (a tray item or a notification was clicked). */
  'desktop.openRun': { runId: string };
  'desktop.settings': DesktopSettings;
}

/** Subscribing to pushed events; returns the unsubscribe function. */
export interface Subscribe<Events> {
  on: <E extends keyof Events>(event: E, listener: (payload: Events[E]) => void) => () => void;
}

/** `window.batchlight` inside the tray app: the contract plus its events. */
export type ExposedApi = BatchlightApi & Subscribe<BatchlightEvents>;
/** `window.batchlightDesktop`. */
export type ExposedDesktopApi = DesktopApi & Subscribe<DesktopEvents>;
