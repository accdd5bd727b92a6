/**
 * The window's security settings and the URL checks behind them, as pure data and functions so
 * they are tested against tables of hostile input without Electron.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** The renderer's own scheme and host: `batchlight://app/index.html`. */
export const APP_SCHEME = 'batchlight';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * The renderer's Content-Security-Policy: its own scripts, styles and images only, no inline
 * script, no eval, no plugins, no framing, no forms posting elsewhere. React sets style
 * properties through the CSSOM, which style-src does not restrict.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The main window's options; every webPreferences security switch is spelled out. */
export function mainWindowOptions(paths: { preload: string; icon?: string }): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Batchlight',
    icon: paths.icon,
    autoHideMenuBar: true,
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Parses without throwing; null for anything that is not an absolute URL. */
function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True only for a page of the app itself. Compared on scheme and host exactly (a custom scheme
 * has an opaque origin in WHATWG terms, so `origin` cannot be used); user info or a port make it
 * someone else's URL.
 */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
}

/** The window may only navigate within the app; everything else is refused. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * The URL to hand to the system browser for a link the page tried to open, or null. Only http
 * and https: `file:`, `smb:` (a UNC path leaks the user's NTLM hash), `javascript:` and the
 * Windows protocol handlers (`ms-msdt:`, `search-ms:`) are how links attack desktops.
 */
export function externalLinkTarget(url: string): string | null {
  const u = parse(url);
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.hostname === '') return null;
  return u.href;
}
