import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';

const electron = vi.hoisted(() => ({
  windows: [] as Array<{ options: BrowserWindowConstructorOptions; loaded: string[]; hidden: number; listeners: Map<string, (event: { preventDefault(): void }) => void> }>,
}));
vi.mock('electron', () => ({
  BrowserWindow: class {
    state;
    webContents = {};
    constructor(options: BrowserWindowConstructorOptions) {
      this.state = { options, loaded: [] as string[], hidden: 0, listeners: new Map() };
      electron.windows.push(this.state);
    }
    on(event: string, listener: (event: { preventDefault(): void }) => void) {
      this.state.listeners.set(event, listener);
    }
    loadURL(url: string) {
      this.state.loaded.push(url);
      return Promise.resolve();
    }
    hide() {
      this.state.hidden += 1;
    }
  },
}));

const { createMainWindow, guardWebContents } = await import('../../src-main/electron/window.ts');

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  let permissionHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  const contents = {
    on: (event: string, listener: (event: { preventDefault(): void }, url?: string) => void) => (listeners.set(event, listener), contents),
    setWindowOpenHandler: (handler: typeof openHandler) => void (openHandler = handler),
    session: { setPermissionRequestHandler: (handler: typeof permissionHandler) => void (permissionHandler = handler) },
  };
  const opened: string[] = [];
  guardWebContents(contents as never, (url) => opened.push(url));
  const fire = (event: string, url?: string) => {
    let prevented = false;
    listeners.get(event)?.({ preventDefault: () => void (prevented = true) }, url);
    return prevented;
  };
  return {
    fire,
    opened,
    open: (url: string) => openHandler!({ url }),
    askPermission: (permission: string) => new Promise<boolean>((resolve) => permissionHandler!(contents, permission, resolve)),
  };
}

describe('window guards', () => {
  it.each([
    ['batchlight://app/index.html#/runs', false],
    ['https://evil.example/', true],
    ['file:///C:/Windows/win.ini', true],
    ['batchlight://other/index.html', true],
  ])('navigating to %j is blocked: %s', (url, blocked) => {
    const c = fakeContents();
    expect(c.fire('will-navigate', url)).toBe(blocked);
    expect(c.fire('will-redirect', url)).toBe(blocked);
  });

  it('a new window is always denied; an https link goes to the system browser', () => {
    const c = fakeContents();
    expect(c.open('https://docs.example.com/')).toEqual({ action: 'deny' });
    expect(c.opened).toEqual(['https://docs.example.com/']);
  });

  it.each(['file:///C:/Windows/System32/cmd.exe', 'smb://attacker/share', 'javascript:alert(1)', 'batchlight://app/index.html'])(
    'window.open(%j) is denied and opens nothing',
    (url) => {
      const c = fakeContents();
      expect(c.open(url)).toEqual({ action: 'deny' });
      expect(c.opened).toEqual([]);
    },
  );

  it('webviews cannot be attached', () => {
    expect(fakeContents().fire('will-attach-webview')).toBe(true);
  });

  it.each(['media', 'geolocation', 'notifications', 'openExternal'])('the page is refused the %s permission', async (permission) => {
    expect(await fakeContents().askPermission(permission)).toBe(false);
  });
});

describe('main window', () => {
  it('is created hidden, sandboxed, with context isolation and without Node, and loads the app page', () => {
    createMainWindow({ preload: '/dist/electron/preload.js', isQuitting: () => false });
    const window = electron.windows.at(-1)!;
    expect(window.options).toMatchObject({
      show: false,
      webPreferences: { preload: '/dist/electron/preload.js', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    expect(window.loaded).toEqual(['batchlight://app/index.html']);
  });

  it('closing the window hides it, so the engine keeps running', () => {
    createMainWindow({ preload: 'p', isQuitting: () => false });
    const window = electron.windows.at(-1)!;
    let prevented = false;
    window.listeners.get('close')!({ preventDefault: () => void (prevented = true) });
    expect(prevented).toBe(true);
    expect(window.hidden).toBe(1);
  });

  it('while quitting, closing really closes', () => {
    createMainWindow({ preload: 'p', isQuitting: () => true });
    const window = electron.windows.at(-1)!;
    let prevented = false;
    window.listeners.get('close')!({ preventDefault: () => void (prevented = true) });
    expect(prevented).toBe(false);
    expect(window.hidden).toBe(0);
  });
});
