/**
 * The main window: created hidden with the locked-down options of window-options.ts, guarded
 * against navigation and new windows, and hidden (not closed) when the user closes it, so the
 * engine keeps running in the tray.
 */
import { BrowserWindow, type WebContents } from 'electron';
import { APP_URL, externalLinkTarget, isAllowedNavigation, mainWindowOptions } from './window-options.ts';

/** The part of WebContents the guards use. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'> & {
  session?: { setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void };
};

/**
 * Applied to every webContents the app creates (app 'web-contents-created'): navigation away
 * from the app and redirects are stopped, no window is ever opened (an http(s) link goes to the
 * system browser), webviews cannot be attached, and every permission request is refused.
 */
export function guardWebContents(contents: GuardedContents, openExternal: (url: string) => void): void {
  const block = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  };
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event: { preventDefault(): void }) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalLinkTarget(url);
    if (external) openExternal(external);
    return { action: 'deny' };
  });
  contents.session?.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

export interface MainWindowOptions {
  preload: string;
  icon?: string;
  /** True once the app is quitting: then closing really closes. */
  isQuitting: () => boolean;
}

/** Creates the hidden main window and starts loading the app into it. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions({ preload: options.preload, icon: options.icon }));
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
  void window.loadURL(APP_URL);
  return window;
}

/** Brings the window to the front (tray "Open", a second launch, a notification click). */
export function showWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
