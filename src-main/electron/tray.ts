/**
 * Wires the tray model into Electron: one Tray whose icon, tooltip and menu are rebuilt from
 * trayView() whenever the engine reports a change (coalesced), and every half minute so "next:"
 * stays true. Menu clicks become TrayActions for main.ts.
 */
import path from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { trayView, type MenuItemSpec, type TrayAction, type TrayIconState, type TraySnapshot } from './tray-model.ts';

/** Converts the model's plain menu into Electron's template, binding each action to `onAction`. */
export function toMenuTemplate(items: MenuItemSpec[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { type: 'submenu', label: item.label, enabled: item.enabled, submenu: toMenuTemplate(item.submenu, onAction) };
      case 'checkbox':
        return { type: 'checkbox', label: item.label, checked: item.checked, click: () => onAction(item.action) };
      case 'normal': {
        const action = item.action;
        return { type: 'normal', label: item.label, enabled: item.enabled, ...(action ? { click: () => onAction(action) } : {}) };
      }
    }
  });
}

/** The icon file for a state; Electron picks `name@2x.png` beside it on high-DPI screens. */
export function trayIconPath(iconDir: string, state: TrayIconState): string {
  return path.join(iconDir, `${state}.png`);
}

export interface TrayControllerOptions {
  iconDir: string;
  read: () => TraySnapshot;
  onAction: (action: TrayAction) => void;
  /** A left click on the icon (Windows users expect it to open the window). */
  onClick: () => void;
  onError: (error: unknown) => void;
}

const COALESCE_MS = 150;
const REFRESH_EVERY_MS = 30_000;

/** The tray icon; `refresh()` asks for a rebuild soon, `destroy()` removes it. */
export function createTrayController(options: TrayControllerOptions): { refresh(): void; destroy(): void } {
  let shown: TrayIconState = 'idle';
  const tray = new Tray(nativeImage.createFromPath(trayIconPath(options.iconDir, shown)));
  tray.on('click', options.onClick);
  let pending: NodeJS.Timeout | undefined;

  const rebuild = () => {
    pending = undefined;
    try {
      const view = trayView(options.read());
      if (view.icon !== shown) {
        shown = view.icon;
        tray.setImage(nativeImage.createFromPath(trayIconPath(options.iconDir, shown)));
      }
      tray.setToolTip(view.tooltip);
      tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(view.menu, options.onAction)));
    } catch (error) {
      options.onError(error);
    }
  };
  const refresh = () => {
    pending ??= setTimeout(rebuild, COALESCE_MS);
  };
  const every = setInterval(refresh, REFRESH_EVERY_MS);
  rebuild();
  return {
    refresh,
    destroy() {
      clearInterval(every);
      if (pending) clearTimeout(pending);
      tray.destroy();
    },
  };
}
