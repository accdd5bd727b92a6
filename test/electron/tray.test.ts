import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemSpec, TrayAction, TraySnapshot } from '../../src-main/electron/tray-model.ts';

const electron = vi.hoisted(() => ({ trays: [] as Array<{ image: string; tooltip: string; menu: unknown; destroyed: boolean; listeners: Map<string, () => void> }> }));
vi.mock('electron', () => ({
  nativeImage: { createFromPath: (file: string) => file },
  Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
  Tray: class {
    state = { image: '', tooltip: '', menu: null as unknown, destroyed: false, listeners: new Map<string, () => void>() };
    constructor(image: string) {
      this.state.image = image;
      electron.trays.push(this.state);
    }
    setImage(image: string) {
      this.state.image = image;
    }
    setToolTip(text: string) {
      this.state.tooltip = text;
    }
    setContextMenu(menu: unknown) {
      this.state.menu = menu;
    }
    on(event: string, listener: () => void) {
      this.state.listeners.set(event, listener);
    }
    destroy() {
      this.state.destroyed = true;
    }
  },
}));

const { createTrayController, toMenuTemplate, trayIconPath } = await import('../../src-main/electron/tray.ts');

function snapshot(more: Partial<TraySnapshot> = {}): TraySnapshot {
  return {
    now: 0,
    timeZone: 'UTC',
    engine: { serving: true, pausedAll: false, running: 0, queued: 0 },
    schedules: [],
    running: [],
    failures: [],
    failuresSeenAt: 0,
    startAtLogin: false,
    ...more,
  };
}

describe('menu template', () => {
  const spec: MenuItemSpec[] = [
    { type: 'normal', label: 'Idle', enabled: false },
    { type: 'separator' },
    { type: 'submenu', label: 'Run now', enabled: true, submenu: [{ type: 'normal', label: 'a', enabled: true, action: { kind: 'trigger', schedule: 'a' } }] },
    { type: 'checkbox', label: 'Start at login', checked: true, action: { kind: 'startAtLogin', enabled: false } },
  ];

  it('keeps labels, types, enabled and checked states', () => {
    const template = toMenuTemplate(spec, () => {});
    expect(template.map(({ click: _click, submenu: _submenu, ...rest }) => rest)).toEqual([
      { type: 'normal', label: 'Idle', enabled: false },
      { type: 'separator' },
      { type: 'submenu', label: 'Run now', enabled: true },
      { type: 'checkbox', label: 'Start at login', checked: true },
    ]);
  });

  it('an item without an action has no click handler', () => {
    expect(toMenuTemplate(spec, () => {})[0]?.click).toBeUndefined();
  });

  it('clicking an item (also in a submenu) hands its action to the shell', () => {
    const actions: TrayAction[] = [];
    const template = toMenuTemplate(spec, (a) => actions.push(a));
    template[2]?.submenu?.[0]?.click?.();
    template[3]?.click?.();
    expect(actions).toEqual([{ kind: 'trigger', schedule: 'a' }, { kind: 'startAtLogin', enabled: false }]);
  });
});

describe('tray controller', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    electron.trays.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  function start(read: () => TraySnapshot) {
    const errors: unknown[] = [];
    const clicks: number[] = [];
    const controller = createTrayController({ iconDir: '/icons', read, onAction: () => {}, onClick: () => void clicks.push(1), onError: (e) => void errors.push(e) });
    return { controller, tray: electron.trays[0]!, errors, clicks };
  }

  it('shows the icon and tooltip of the current state at once', () => {
    const { tray } = start(() => snapshot({ engine: { serving: true, pausedAll: true, running: 0, queued: 0 } }));
    expect(tray.image).toBe(path.join('/icons', 'paused.png'));
    expect(tray.tooltip).toBe('Batchlight — paused');
    expect(tray.menu).toMatchObject({ template: expect.arrayContaining([expect.objectContaining({ label: 'Resume all' })]) });
  });

  it('changes icon when the state changes and refresh is asked for, coalescing bursts', () => {
    let current = snapshot();
    let reads = 0;
    const { controller, tray } = start(() => (reads++, current));
    expect(tray.image).toBe(trayIconPath('/icons', 'idle'));
    current = snapshot({ engine: { serving: true, pausedAll: false, running: 1, queued: 0 } });
    reads = 0;
    for (let i = 0; i < 20; i += 1) controller.refresh();
    vi.advanceTimersByTime(1000);
    expect(tray.image).toBe(trayIconPath('/icons', 'running'));
    expect(tray.tooltip).toBe('Batchlight — 1 running');
    expect(reads).toBe(1);
  });

  it('refreshes by itself so "next:" stays true', () => {
    let current = snapshot();
    const { tray } = start(() => current);
    current = snapshot({ failures: [{ id: 'f', scheduleName: 'a', status: 'failed', startedAt: 0, finishedAt: 5 }] });
    vi.advanceTimersByTime(31_000);
    expect(tray.image).toBe(trayIconPath('/icons', 'failure'));
  });

  it('a failing read is reported, and the tray keeps what it showed', () => {
    let fail = false;
    const { controller, tray, errors } = start(() => {
      if (fail) throw new Error('database is locked');
      return snapshot();
    });
    fail = true;
    controller.refresh();
    vi.advanceTimersByTime(1000);
    expect(errors).toHaveLength(1);
    expect(tray.tooltip).toBe('Batchlight — idle');
  });

  it('a left click opens the window; destroy removes the icon and stops refreshing', () => {
    let reads = 0;
    const { controller, tray, clicks } = start(() => (reads++, snapshot()));
    tray.listeners.get('click')?.();
    expect(clicks).toEqual([1]);
    controller.destroy();
    reads = 0;
    vi.advanceTimersByTime(120_000);
    expect(tray.destroyed).toBe(true);
    expect(reads).toBe(0);
  });
});
