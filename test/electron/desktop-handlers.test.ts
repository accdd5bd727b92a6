import { describe, expect, it } from 'vitest';
import { createDesktopHandlers, failuresSeenAt, markFailuresSeen, type SettingsStore } from '../../src-main/electron/desktop-handlers.ts';
import type { DesktopSettings } from '../../src-main/electron/desktop-contract.ts';

function memorySettings(): SettingsStore {
  const values = new Map<string, string>();
  return {
    get: <T,>(key: string) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : undefined),
    set: (key, value) => void values.set(key, JSON.stringify(value)),
  };
}

function harness() {
  const settings = memorySettings();
  let loginItem = false;
  const opened: string[] = [];
  const changes: DesktopSettings[] = [];
  const handlers = createDesktopHandlers({
    settings,
    logFolder: '/data/logs',
    getStartAtLogin: () => loginItem,
    setStartAtLogin: (enabled) => void (loginItem = enabled),
    openFolder: async (folder) => void opened.push(folder),
    changed: (s) => void changes.push(s),
  });
  return { handlers, settings, opened, changes, loginItem: () => loginItem };
}

describe('desktop settings', () => {
  it('shows start at login, muted notifications and the log folder', async () => {
    const { handlers } = harness();
    expect(await handlers.getDesktopSettings()).toEqual({ startAtLogin: false, muteNotifications: false, logFolder: '/data/logs' });
  });

  it('turning on start at login sets the login item and tells the tray and window', async () => {
    const h = harness();
    const after = await h.handlers.setStartAtLogin({ enabled: true });
    expect(h.loginItem()).toBe(true);
    expect(after.startAtLogin).toBe(true);
    expect(h.changes).toEqual([after]);
  });

  it('muting notifications is remembered in the settings table', async () => {
    const h = harness();
    await h.handlers.setMuteNotifications({ muted: true });
    expect(h.settings.get('desktop.muteNotifications')).toBe(true);
    expect((await h.handlers.getDesktopSettings()).muteNotifications).toBe(true);
  });

  it.each([[undefined], [null], [{}], [{ enabled: 'yes' }], [{ enabled: 1 }]])('start at login refuses %j', async (args) => {
    const h = harness();
    await expect(h.handlers.setStartAtLogin(args as never)).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('`enabled` to be a boolean') });
    expect(h.loginItem()).toBe(false);
  });

  it('opens the log folder', async () => {
    const h = harness();
    await h.handlers.openLogFolder();
    expect(h.opened).toEqual(['/data/logs']);
  });

  it('failures seen: starts at 0 and only moves forward', () => {
    const settings = memorySettings();
    expect(failuresSeenAt(settings)).toBe(0);
    markFailuresSeen(settings, 2000);
    markFailuresSeen(settings, 1000);
    expect(failuresSeenAt(settings)).toBe(2000);
  });
});
