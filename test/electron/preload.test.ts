import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_EVENTS, API_METHODS, DESKTOP_METHODS } from '../../src-main/electron/ipc-channels.ts';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, Record<string, unknown>>(),
  invoked: [] as Array<[string, unknown[]]>,
  subscribed: [] as string[],
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => (electron.invoked.push([channel, args]), { ok: true, value: channel }),
    on: (channel: string) => void electron.subscribed.push(channel),
    removeListener: () => {},
  },
}));

beforeAll(async () => {
  await import('../../src-main/electron/preload.ts');
});

const NO_ARGUMENTS: string[] = ['listSchedules', 'listConnections', 'getSettings', 'exportFile', 'engineState'];

const exposed = (key: string) => {
  const api = electron.exposed.get(key);
  if (!api) throw new Error(`Nothing exposed as ${key}`);
  return api;
};

describe('preload', () => {
  it('exposes exactly two objects: batchlight and batchlightDesktop', () => {
    expect([...electron.exposed.keys()].sort()).toEqual(['batchlight', 'batchlightDesktop']);
  });

  it("window.batchlight has exactly the contract's methods plus on", () => {
    expect(Object.keys(exposed('batchlight')).sort()).toEqual([...API_METHODS, 'on'].sort());
  });

  it('window.batchlightDesktop has exactly the desktop methods plus on', () => {
    expect(Object.keys(exposed('batchlightDesktop')).sort()).toEqual([...DESKTOP_METHODS, 'on'].sort());
  });

  it('exposes only functions: no channel names, no invoke, no process or env', () => {
    for (const key of ['batchlight', 'batchlightDesktop']) {
      for (const [name, value] of Object.entries(exposed(key))) expect(typeof value, `${key}.${name}`).toBe('function');
      expect(Object.keys(exposed(key))).not.toEqual(expect.arrayContaining(['invoke', 'send', 'ipcRenderer', 'process', 'env']));
    }
  });

  it.each(API_METHODS)('%s invokes its own channel with the argument it was given', async (method) => {
    electron.invoked.length = 0;
    const fn = exposed('batchlight')[method] as (arg?: unknown) => Promise<unknown>;
    await expect(fn({ probe: method })).resolves.toBe(`batchlight:${method}`);
    expect(electron.invoked).toHaveLength(1);
    const [channel, args] = electron.invoked[0]!;
    expect(channel).toBe(`batchlight:${method}`);
    // Methods without arguments send none, whatever the page passes.
    expect(args).toEqual(NO_ARGUMENTS.includes(method) ? [] : [{ probe: method }]);
  });

  it('a method with arguments passes them through unchanged', async () => {
    electron.invoked.length = 0;
    await (exposed('batchlight').listRuns as (a: unknown) => Promise<unknown>)({ schedule: 'invoices', limit: 5 });
    expect(electron.invoked).toEqual([['batchlight:listRuns', [{ schedule: 'invoices', limit: 5 }]]]);
  });

  it.each(DESKTOP_METHODS)('desktop %s invokes its own channel', async (method) => {
    electron.invoked.length = 0;
    await (exposed('batchlightDesktop')[method] as (arg?: unknown) => Promise<unknown>)({ enabled: true, muted: true });
    expect(electron.invoked.map(([channel]) => channel)).toEqual([`batchlight:${method}`]);
  });

  it.each(API_EVENTS)('on(%j) listens on its own event channel', (event) => {
    electron.subscribed.length = 0;
    const off = (exposed('batchlight').on as (e: string, l: () => void) => () => void)(event, () => {});
    expect(electron.subscribed).toEqual([`batchlight:event:${event}`]);
    expect(typeof off).toBe('function');
  });

  it.each(['batchlight:trigger', 'desktop.openRun', 'ELECTRON_BROWSER_WINDOW_ALERT', '__proto__', ''])(
    'on(%j) is refused: the page cannot listen on arbitrary channels',
    (event) => {
      electron.subscribed.length = 0;
      expect(() => (exposed('batchlight').on as (e: string, l: () => void) => void)(event, () => {})).toThrow(/Unknown event/);
      expect(electron.subscribed).toEqual([]);
    },
  );

  it('on() with something other than a function is refused', () => {
    expect(() => (exposed('batchlight').on as (e: string, l: unknown) => void)('run.finished', 'alert(1)')).toThrow(/listener/);
  });
});
