/**
 * The tray app end to end, through Playwright's Electron driver: the real main process, preload
 * and renderer. It needs the Electron binary, which the optional `electron` dependency downloads
 * at install; where that failed (the Linux build machines) the suite is skipped and says why.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src-main/electron/ipc-channels.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'dist', 'electron', 'main.js');
const RENDERER = path.join(ROOT, 'dist', 'renderer', 'index.html');

/** The Electron binary's path, or why there is none. */
function electronBinary(): { path: string } | { reason: string } {
  let resolved: unknown;
  try {
    // The electron package's main export is the path of the binary it downloaded.
    resolved = createRequire(import.meta.url)('electron');
  } catch (error) {
    return { reason: `the optional dependency 'electron' is not installed (${(error as Error).message.split('\n')[0]})` };
  }
  if (typeof resolved !== 'string' || !fs.existsSync(resolved)) return { reason: `the Electron binary is missing (${String(resolved)})` };
  if (!fs.existsSync(RENDERER)) return { reason: `the renderer is not built (${RENDERER}); run the UI build first` };
  return { path: resolved };
}

const binary = electronBinary();
const skipReason = 'reason' in binary ? binary.reason : undefined;
if (skipReason) console.warn(`Skipping the Electron app suite: ${skipReason}.`);

describe.skipIf(skipReason !== undefined)('tray app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-electron-'));

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-electron.mjs')], { cwd: ROOT, stdio: 'ignore' });
    app = await _electron.launch({ executablePath: (binary as { path: string }).path, args: [MAIN, '--data', dataDir], cwd: ROOT });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts hidden in the tray', async () => {
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([false]);
  });

  it('runs the page sandboxed, isolated and without Node', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const p = BrowserWindow.getAllWindows()[0]!.webContents.getLastWebPreferences();
      return p && { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
  });

  it("exposes the contract's verbs and nothing else", async () => {
    const keys = await page.evaluate(() => Object.keys((window as unknown as { batchlight: object }).batchlight).sort());
    expect(keys).toEqual([...API_METHODS, 'on'].sort());
  });

  it('answers an API call from the window', async () => {
    const state = await page.evaluate(() => (window as unknown as { batchlight: { engineState(): Promise<unknown> } }).batchlight.engineState());
    expect(state).toMatchObject({ serving: true, pausedAll: false });
  });

  it('opens no new windows and does not navigate away', async () => {
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^batchlight:\/\/app\//);
    expect(app.windows()).toHaveLength(1);
  });

  it('serves the page with the Content-Security-Policy', async () => {
    const blocked = await page.evaluate(() => {
      try {
        return eval('1') !== 1;
      } catch {
        return true;
      }
    });
    expect(blocked).toBe(true);
  });
});
