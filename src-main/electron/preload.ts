/**
 * The preload: the page's only door to the main process. It exposes verbs (one function per
 * contract method, plus `on` for pushed events), never a channel name or `invoke`, and nothing of
 * Node. Runs sandboxed, bundled to CommonJS by scripts/build-electron.mjs.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { BatchlightApi, BatchlightEvents } from '../api/contract.ts';
import type { DesktopApi, DesktopEvents, ExposedApi, ExposedDesktopApi } from './desktop-contract.ts';
import { API_EVENTS, DESKTOP_EVENTS, eventChannel, methodChannel, type IpcReply } from './ipc-channels.ts';

type Fn = (...args: never[]) => Promise<unknown>;

/**
 * Calls a method of `Api` and unwraps the reply. A refusal or failure rejects with an Error
 * carrying the main process's error name and message (contextBridge copies an Error's message;
 * extra properties such as `problems` may not survive the copy).
 */
function invoker<Api extends { [K in keyof Api]: Fn }>() {
  return <M extends keyof Api & string>(method: M, ...args: Parameters<Api[M]>): ReturnType<Api[M]> =>
    ipcRenderer.invoke(methodChannel(method), ...args).then((reply: IpcReply) => {
      if (reply.ok) return reply.value;
      throw Object.assign(new Error(reply.error.message), { name: reply.error.name, problems: reply.error.problems });
    }) as ReturnType<Api[M]>;
}

/** `on(event, listener)` for the listed events only; the listener gets the payload, never the IPC event. */
function subscriber<Events>(names: ReadonlyArray<keyof Events>) {
  return <E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
    if (!names.includes(event)) throw new Error(`Unknown event '${String(event)}'; expected one of ${names.join(', ')}`);
    if (typeof listener !== 'function') throw new Error(`Expected \`listener\` to be a function, got ${typeof listener}`);
    const channel = eventChannel(String(event));
    const forward = (_event: unknown, payload: Events[E]) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  };
}

const call = invoker<BatchlightApi>();
const desktop = invoker<DesktopApi>();

/** `window.batchlight`. */
export const exposedApi = {
  listSchedules: () => call('listSchedules'),
  getSchedule: (args) => call('getSchedule', args),
  createSchedule: (args) => call('createSchedule', args),
  updateSchedule: (args) => call('updateSchedule', args),
  deleteSchedule: (args) => call('deleteSchedule', args),
  setEnabled: (args) => call('setEnabled', args),
  setPaused: (args) => call('setPaused', args),
  validateSchedule: (args) => call('validateSchedule', args),
  nextOccurrences: (args) => call('nextOccurrences', args),
  trigger: (args) => call('trigger', args),
  cancelRun: (args) => call('cancelRun', args),
  listRuns: (args) => call('listRuns', args),
  getRun: (args) => call('getRun', args),
  readOutput: (args) => call('readOutput', args),
  listConnections: () => call('listConnections'),
  saveConnection: (args) => call('saveConnection', args),
  testConnection: (args) => call('testConnection', args),
  testNotify: (args) => call('testNotify', args),
  getSettings: () => call('getSettings'),
  saveSettings: (args) => call('saveSettings', args),
  importFile: (args) => call('importFile', args),
  exportFile: () => call('exportFile'),
  engineState: () => call('engineState'),
  setPausedAll: (args) => call('setPausedAll', args),
  on: subscriber<BatchlightEvents>(API_EVENTS),
} satisfies ExposedApi;

/** `window.batchlightDesktop`. */
export const exposedDesktopApi = {
  getDesktopSettings: () => desktop('getDesktopSettings'),
  setStartAtLogin: (args) => desktop('setStartAtLogin', args),
  setMuteNotifications: (args) => desktop('setMuteNotifications', args),
  openLogFolder: () => desktop('openLogFolder'),
  on: subscriber<DesktopEvents>(DESKTOP_EVENTS),
} satisfies ExposedDesktopApi;

contextBridge.exposeInMainWorld('batchlight', exposedApi);
contextBridge.exposeInMainWorld('batchlightDesktop', exposedDesktopApi);
