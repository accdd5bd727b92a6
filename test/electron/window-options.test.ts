import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppFile } from '../../src-main/electron/app-protocol.ts';
import {
  APP_URL,
  CONTENT_SECURITY_POLICY,
  externalLinkTarget,
  isAllowedNavigation,
  mainWindowOptions,
} from '../../src-main/electron/window-options.ts';

describe('main window options', () => {
  const prefs = mainWindowOptions({ preload: '/app/preload.js' }).webPreferences;

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
  ] as const)('%s is %s', (key, value) => {
    expect(prefs?.[key]).toBe(value);
  });

  it('loads the preload it is given', () => {
    expect(prefs?.preload).toBe('/app/preload.js');
  });

  it('starts hidden (the app starts in the tray)', () => {
    expect(mainWindowOptions({ preload: 'p' }).show).toBe(false);
  });
});

describe('content security policy', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

  it.each([
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'none'"]],
  ])('%s is %j', (name, values) => {
    expect(directives.get(name)).toEqual(values);
  });

  it('allows no inline script, eval or remote source anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe|https?:|\*/);
  });
});

describe('navigation', () => {
  it.each([
    [APP_URL, true],
    ['batchlight://app/', true],
    ['batchlight://app/index.html#/runs/123', true],
    ['batchlight://app.evil.example/index.html', false],
    ['batchlight://evil.example/app', false],
    ['batchlight://app:8080/index.html', false],
    ['batchlight://user@app/index.html', false],
    ['batchlight://app@evil.example/', false],
    ['https://app/index.html', false],
    ['https://example.com/', false],
    ['http://localhost:5173/', false],
    ['file:///C:/Windows/System32/calc.exe', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['about:blank', false],
    ['', false],
    ['batchlight:app', false],
    ['not a url', false],
  ])('%j allowed: %s', (url, allowed) => {
    expect(isAllowedNavigation(url)).toBe(allowed);
  });
});

describe('links opened in the system browser', () => {
  it.each([
    ['https://docs.example.com/cron', 'https://docs.example.com/cron'],
    ['http://intranet/wiki', 'http://intranet/wiki'],
    ['HTTPS://EXAMPLE.COM/', 'https://example.com/'],
    ['file:///C:/Windows/System32/cmd.exe', null],
    ['file://attacker/share/payload.exe', null],
    ['smb://attacker/share', null],
    ['\\\\attacker\\share\\x', null],
    ['javascript:alert(1)', null],
    ['ms-msdt:/id PCWDiagnostic', null],
    ['search-ms:query=x&crumb=location:\\\\attacker', null],
    ['batchlight://app/index.html', null],
    ['data:text/html,hi', null],
    ['https://', null],
    ['', null],
  ])('%j opens %j', (url, expected) => {
    expect(externalLinkTarget(url)).toBe(expected);
  });
});

describe('app protocol', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-renderer-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Batchlight</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([
    ['batchlight://app/', 'index.html'],
    ['batchlight://app/index.html', 'index.html'],
    ['batchlight://app/assets/app.js', path.join('assets', 'app.js')],
    ['batchlight://app/assets/app.js?v=1#x', path.join('assets', 'app.js')],
  ])('%j serves %s', (url, file) => {
    expect(resolveAppFile(url, root)).toBe(path.join(root, file));
  });

  it.each([
    'batchlight://app/../secret.key',
    'batchlight://app/%2e%2e/secret.key',
    'batchlight://app/%2E%2E%2Fsecret.key',
    'batchlight://app/assets/%2e%2e/%2e%2e/secret.key',
    'batchlight://app/..%2f..%2fsecret.key',
    'batchlight://app//etc/passwd',
    'batchlight://app/./index.html',
  ])('never resolves %j outside the folder', (url) => {
    const file = resolveAppFile(url, root);
    expect(file === null || file.startsWith(root + path.sep)).toBe(true);
  });

  it.each([
    'batchlight://app/..%5c..%5csecret.key',
    'batchlight://app/assets%5c..%5c..%5csecret.key',
    'batchlight://app/C:/Windows/win.ini',
    'batchlight://app/c%3A/Windows/win.ini',
    'batchlight://app/index.html%00.png',
    'batchlight://app/%E0%A4%A',
    'batchlight://app/assets/%2e%2e%2f%2e%2e%2fsecret.key',
    'batchlight://evil/index.html',
    'batchlight://app:1/index.html',
    'batchlight://u:p@app/index.html',
    'file:///etc/passwd',
    'https://app/index.html',
    'nonsense',
  ])('refuses %j', (url) => {
    expect(resolveAppFile(url, root)).toBeNull();
  });

  it('serves a page with its type and the CSP', async () => {
    const response = await createAppProtocolHandler(root)(new Request('batchlight://app/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('<title>Batchlight</title>');
  });

  it('answers 404 for a missing file and for a path outside the folder', async () => {
    const handler = createAppProtocolHandler(root);
    expect((await handler(new Request('batchlight://app/missing.js'))).status).toBe(404);
    expect((await handler(new Request('batchlight://app/%2e%2e/etc/passwd'))).status).toBe(404);
  });
});
