/**
 * End-to-end helpers for the window: build the renderer when it is missing or stale, start
 * `batchlight serve --ui` on a temp data folder (killed after the tests), launch Debian's
 * Chromium headless through playwright-core, and save screenshots for review.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RENDERER_SRC = path.join(ROOT, 'src-renderer');
const RENDERER_OUT = path.join(ROOT, 'dist', 'renderer', 'index.html');
/** Screenshots for review (git-ignored). */
export const SCREENSHOTS = path.join(ROOT, 'test', 'e2e', 'screenshots');
/** Screenshots the README shows (committed). */
export const DOC_SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
/** The real `batchlight` entry point. */
const BIN = path.join(ROOT, 'bin', 'batchlight.mjs');
/** Debian's Chromium; the tests need a real browser. */
export const CHROMIUM = process.env.BATCHLIGHT_CHROMIUM ?? '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return Math.max(newest, fs.statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs);
}

/** Runs `vite build` when dist/renderer is missing or older than src-renderer. */
export async function ensureRendererBuilt(): Promise<void> {
  const built = fs.existsSync(RENDERER_OUT) ? fs.statSync(RENDERER_OUT).mtimeMs : 0;
  if (built >= newestMtime(RENDERER_SRC)) return;
  await execa(path.join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, timeout: 120_000 });
}

/** A running `serve --ui`: its URL with the token, its data folder, and how to stop it. */
export interface UiServer {
  url: string;
  origin: string;
  dataDir: string;
  stop: () => Promise<void>;
}

/** Starts `batchlight serve --ui --port 0 --data DIR --quiet` and waits for the printed URL. */
export async function startUiServer(): Promise<UiServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-e2e-'));
  const child: ResultPromise = execa(process.execPath, [BIN, 'serve', '--ui', '--port', '0', '--data', dataDir, '--quiet'], {
    cwd: ROOT, reject: false, stdin: 'ignore', buffer: false,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve --ui printed no URL within 30 s:\n${out}`)), 30_000);
    const onData = (data: Buffer) => {
      out += data.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void child.then((r) => reject(new Error(`serve --ui exited (${r.exitCode}) before printing a URL:\n${out}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium at 1024x700 (the smallest supported window). */
export async function launchBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  // Below vitest's 30 s test timeout, so a missing element fails with the selector it waited for.
  page.setDefaultTimeout(20_000);
  return { browser, page };
}

/**
 * Saves a screenshot for review under test/e2e/screenshots/. The README's images (`doc`) are
 * refreshed only when BATCHLIGHT_UPDATE_DOCS=1, so a test run never changes committed files.
 */
export async function screenshot(page: Page, name: string, doc = false): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  if (doc && process.env.BATCHLIGHT_UPDATE_DOCS === '1') {
    fs.mkdirSync(DOC_SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(DOC_SCREENSHOTS, `${name}.png`));
  }
}

/** Calls the API from inside the page (same token and origin as the UI). */
export async function callApi<T>(page: Page, method: string, args: unknown = {}): Promise<T> {
  return page.evaluate(async ([m, a]) => {
    const token = sessionStorage.getItem('batchlight.token') ?? '';
    const response = await fetch(`api/${m as string}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(a) });
    const body = (await response.json()) as { ok: boolean; value: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(body.error?.message);
    return body.value;
  }, [method, args] as const) as Promise<T>;
}

/** The page's layout has no horizontal overflow (no layout break at 1024x700). */
export async function hasNoHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}
