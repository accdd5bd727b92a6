import { describe, expect, it, vi } from 'vitest';
import type { BatchlightApi } from '../../src-main/api/contract.ts';
import type { ExposedApi } from '../../src-main/electron/desktop-contract.ts';
import { NotFoundError, ValidationError } from '../../src-main/engine/errors.ts';
import type { Logger } from '../../src-main/engine/logger.ts';
import { API_EVENTS, API_METHODS } from '../../src-main/electron/ipc-channels.ts';
import { bindIpc, forwardEvents, senderFacts, type InvokeEventLike, type IpcMainLike } from '../../src-main/electron/ipc.ts';
import { isTrustedSender } from '../../src-main/electron/trusted-sender.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';

// The renderer side of the wire: the real preload runs against this stand-in for Electron, whose
// ipcRenderer delivers to the fake ipcMain below as the window (or a stranger) would.
const wire = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: async (_channel: string, ..._args: unknown[]): Promise<unknown> => {
    throw new Error('not wired');
  },
  listeners: new Map<string, Set<(event: unknown, payload: unknown) => void>>(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => wire.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => wire.invoke(channel, ...args),
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      if (!wire.listeners.has(channel)) wire.listeners.set(channel, new Set());
      wire.listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => wire.listeners.get(channel)?.delete(listener),
  },
}));

const WINDOW_ID = 7;
const APP_PAGE = 'batchlight://app/index.html';

function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike<InvokeEventLike> = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = async (channel: string, event: InvokeEventLike, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  };
  return { ipcMain, handlers, invoke };
}


function recordingApi() {
  const calls: Array<[string, unknown[]]> = [];
  const api = Object.fromEntries(
    API_METHODS.map((method) => [method, async (...args: unknown[]) => (calls.push([method, args]), { from: method })]),
  ) as unknown as BatchlightApi;
  return { api, calls };
}

const event = (webContentsId: number, frameUrl: string | null, top = true): InvokeEventLike => ({
  sender: { id: webContentsId },
  senderFrame: frameUrl === null ? null : { url: frameUrl, parent: top ? null : { url: APP_PAGE } },
});

function bound() {
  const ipc = fakeIpcMain();
  const { api, calls } = recordingApi();
  const warnings: string[] = [];
  const logger = recordingLogger(warnings);
  const trusted = new Set([WINDOW_ID]);
  const unbind = bindIpc(ipc.ipcMain, api, API_METHODS, { isTrusted: (e) => isTrustedSender(senderFacts(e), trusted), logger });
  return { ...ipc, api, calls, warnings, unbind };
}

describe('IPC binding', () => {
  it('binds one channel per contract method, named batchlight:<method>', () => {
    const { handlers } = bound();
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `batchlight:${m}`).sort());
    expect(handlers.size).toBe(24);
  });

  it('a call from the app window reaches the handler with its argument and returns its result', async () => {
    const { invoke, calls } = bound();
    const reply = await invoke('batchlight:trigger', event(WINDOW_ID, APP_PAGE), { name: 'invoices', parameters: { Day: '1' } });
    expect(reply).toEqual({ ok: true, value: { from: 'trigger' } });
    expect(calls).toEqual([['trigger', [{ name: 'invoices', parameters: { Day: '1' } }]]]);
  });

  it('passes only the first argument on (a page cannot smuggle more)', async () => {
    const { invoke, calls } = bound();
    await invoke('batchlight:getRun', event(WINDOW_ID, APP_PAGE), { id: 'r1' }, 'extra', { more: true });
    expect(calls).toEqual([['getRun', [{ id: 'r1' }]]]);
  });

  it.each([
    ['another webContents', event(99, APP_PAGE)],
    ['an iframe inside the app window', event(WINDOW_ID, APP_PAGE, false)],
    ['the window after navigating to a web page', event(WINDOW_ID, 'https://evil.example/')],
    ['a file: page', event(WINDOW_ID, 'file:///C:/Users/x/Downloads/page.html')],
    ['a look-alike host', event(WINDOW_ID, 'batchlight://app.evil.example/index.html')],
    ['a frame that is gone', event(WINDOW_ID, null)],
  ])('a call from %s is refused and never reaches the handler', async (_name, untrusted) => {
    const { invoke, calls, warnings } = bound();
    const reply = await invoke('batchlight:deleteSchedule', untrusted, { name: 'invoices' });
    expect(reply).toEqual({ ok: false, error: { name: 'UntrustedSenderError', message: 'batchlight:deleteSchedule is only available to the Batchlight window' } });
    expect(calls).toEqual([]);
    expect(warnings).toEqual(['warn Refused batchlight:deleteSchedule from an untrusted sender']);
  });

  it('a failing handler answers with the error name and message', async () => {
    const ipc = fakeIpcMain();
    const logger = recordingLogger([]);
    const api = { getSchedule: async () => Promise.reject(new NotFoundError("No schedule named 'nope'")) };
    bindIpc(ipc.ipcMain, api, ['getSchedule'], { isTrusted: () => true, logger });
    expect(await ipc.invoke('batchlight:getSchedule', event(WINDOW_ID, APP_PAGE), { name: 'nope' })).toEqual({
      ok: false,
      error: { name: 'NotFoundError', message: "No schedule named 'nope'" },
    });
  });

  it('a validation error keeps its problems, and secrets are redacted from the message', async () => {
    const ipc = fakeIpcMain();
    const logger = recordingLogger([]);
    const problems = [{ path: 'job.url', message: 'Cannot reach https://u:hunter22@host' }];
    const api = { createSchedule: async () => Promise.reject(new ValidationError(problems)) };
    bindIpc(ipc.ipcMain, api, ['createSchedule'], { isTrusted: () => true, logger, redact: (t) => t.replaceAll('hunter22', '***') });
    expect(await ipc.invoke('batchlight:createSchedule', event(WINDOW_ID, APP_PAGE), { spec: {} })).toEqual({
      ok: false,
      error: { name: 'ValidationError', message: 'job.url: Cannot reach https://u:***@host', problems },
    });
  });

  it('unbinding removes every channel', () => {
    const { handlers, unbind } = bound();
    unbind();
    expect(handlers.size).toBe(0);
  });
});

describe('event forwarding', () => {
  function emitter() {
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    return {
      on: (name: string, listener: (payload: unknown) => void) => {
        if (!listeners.has(name)) listeners.set(name, new Set());
        listeners.get(name)!.add(listener);
        return () => void listeners.get(name)!.delete(listener);
      },
      emit: (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload)),
    };
  }

  it('sends each event to the window on batchlight:event:<name>', () => {
    const source = emitter();
    const sent: Array<[string, unknown]> = [];
    forwardEvents(source, API_EVENTS, (channel, payload) => sent.push([channel, payload]));
    source.emit('engine.state', { serving: true, pausedAll: false, running: 1, queued: 0 });
    source.emit('run.finished', { id: 'r1' });
    expect(sent).toEqual([
      ['batchlight:event:engine.state', { serving: true, pausedAll: false, running: 1, queued: 0 }],
      ['batchlight:event:run.finished', { id: 'r1' }],
    ]);
  });

  it('stops sending once unsubscribed', () => {
    const source = emitter();
    const sent: unknown[] = [];
    const off = forwardEvents(source, API_EVENTS, (...args) => sent.push(args));
    off();
    source.emit('run.started', { id: 'r1' });
    expect(sent).toEqual([]);
  });
});

describe('trusted sender', () => {
  const ids = new Set([WINDOW_ID]);
  it.each([
    [{ webContentsId: WINDOW_ID, frameUrl: APP_PAGE, isTopFrame: true }, true],
    [{ webContentsId: WINDOW_ID, frameUrl: 'batchlight://app/#/runs/1', isTopFrame: true }, true],
    [{ webContentsId: 8, frameUrl: APP_PAGE, isTopFrame: true }, false],
    [{ webContentsId: WINDOW_ID, frameUrl: APP_PAGE, isTopFrame: false }, false],
    [{ webContentsId: WINDOW_ID, frameUrl: undefined, isTopFrame: true }, false],
    [{ webContentsId: WINDOW_ID, frameUrl: 'batchlight://evil/index.html', isTopFrame: true }, false],
    [{ webContentsId: WINDOW_ID, frameUrl: 'batchlight://app:444/index.html', isTopFrame: true }, false],
    [{ webContentsId: WINDOW_ID, frameUrl: 'http://127.0.0.1:8080/', isTopFrame: true }, false],
    [{ webContentsId: WINDOW_ID, frameUrl: 'devtools://devtools/bundled/index.html', isTopFrame: true }, false],
    [{ webContentsId: WINDOW_ID, frameUrl: 'about:blank', isTopFrame: true }, false],
  ])('%j trusted: %s', (sender, trusted) => {
    expect(isTrustedSender(sender, ids)).toBe(trusted);
  });
});

describe('from the page through the preload to the handlers', () => {
  async function page(sender: InvokeEventLike) {
    const main = bound();
    wire.invoke = (channel, ...args) => main.invoke(channel, sender, ...args);
    await import('../../src-main/electron/preload.ts');
    const api = wire.exposed.get('batchlight') as ExposedApi;
    return { api, main };
  }

  it('a verb called by the page returns what the handler returned', async () => {
    const { api, main } = await page(event(WINDOW_ID, APP_PAGE));
    await expect(api.cancelRun({ id: 'r1' })).resolves.toEqual({ from: 'cancelRun' });
    expect(main.calls).toEqual([['cancelRun', [{ id: 'r1' }]]]);
  });

  it('the page gets a rejected promise, with the error name, when main refuses the sender', async () => {
    const { api, main } = await page(event(WINDOW_ID, 'https://evil.example/'));
    await expect(api.exportFile()).rejects.toMatchObject({ name: 'UntrustedSenderError', message: 'batchlight:exportFile is only available to the Batchlight window' });
    expect(main.calls).toEqual([]);
  });

  it('an event pushed by main reaches the page listener with its payload only', async () => {
    const { api } = await page(event(WINDOW_ID, APP_PAGE));
    let push: (payload: unknown) => void = () => {};
    const source = { on: (_name: string, listener: (payload: unknown) => void) => ((push = listener), () => {}) };
    forwardEvents(source, ['run.finished'], (channel, payload) => wire.listeners.get(channel)?.forEach((l) => l({ sender: 'ipc' }, payload)));
    const seen: unknown[] = [];
    const off = api.on('run.finished', (run) => seen.push(run));
    push({ id: 'r9' });
    off();
    push({ id: 'r10' });
    expect(seen).toEqual([{ id: 'r9' }]);
  });
});
