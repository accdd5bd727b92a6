/**
 * IPC channel names and the reply envelope, shared by ipc.ts (main) and preload.ts. One channel
 * per method (`batchlight:<method>`) and per event (`batchlight:event:<event>`). The name lists
 * are records keyed by the contract's names, so adding a method to the contract fails to compile
 * until it is listed here.
 */
import type { BatchlightApi, BatchlightEvents } from '../api/contract.ts';
import type { DesktopApi, DesktopEvents } from './desktop-contract.ts';

const API_METHOD_KEYS: Record<keyof BatchlightApi, true> = {
  listSchedules: true,
  getSchedule: true,
  createSchedule: true,
  updateSchedule: true,
  deleteSchedule: true,
  setEnabled: true,
  setPaused: true,
  validateSchedule: true,
  nextOccurrences: true,
  trigger: true,
  cancelRun: true,
  listRuns: true,
  getRun: true,
  readOutput: true,
  listConnections: true,
  saveConnection: true,
  testConnection: true,
  testNotify: true,
  getSettings: true,
  saveSettings: true,
  importFile: true,
  exportFile: true,
  engineState: true,
  setPausedAll: true,
};
const API_EVENT_KEYS: Record<keyof BatchlightEvents, true> = {
  'run.queued': true,
  'run.started': true,
  'run.skipped': true,
  'run.finished': true,
  'run.output': true,
  'schedule.changed': true,
  'engine.state': true,
};
const DESKTOP_METHOD_KEYS: Record<keyof DesktopApi, true> = {
  getDesktopSettings: true,
  setStartAtLogin: true,
  setMuteNotifications: true,
  openLogFolder: true,
};
const DESKTOP_EVENT_KEYS: Record<keyof DesktopEvents, true> = { 'desktop.openRun': true, 'desktop.settings': true };

/** Every contract method, for binding and for tests. */
export const API_METHODS = Object.keys(API_METHOD_KEYS) as Array<keyof BatchlightApi>;
export const API_EVENTS = Object.keys(API_EVENT_KEYS) as Array<keyof BatchlightEvents>;
export const DESKTOP_METHODS = Object.keys(DESKTOP_METHOD_KEYS) as Array<keyof DesktopApi>;
export const DESKTOP_EVENTS = Object.keys(DESKTOP_EVENT_KEYS) as Array<keyof DesktopEvents>;

/** The channel a method is invoked on. */
export function methodChannel(method: string): string {
  return `batchlight:${method}`;
}

/** The channel an event is pushed on. */
export function eventChannel(event: string): string {
  return `batchlight:event:${event}`;
}

/**
 * What a handler sends back. Electron reduces a thrown error to a message prefixed with
 * "Error invoking remote method"; the envelope keeps the error's name (NotFoundError,
 * ValidationError) and its problems, and the preload throws it again as an Error.
 */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: IpcError };

export interface IpcError {
  name: string;
  message: string;
  /** Validation problems, when the error carries them. */
  problems?: unknown;
}
