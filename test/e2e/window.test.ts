/**
 * The window in real Chromium against `batchlight serve --ui` on a temp data folder: the flows a
 * user does every day, one behaviour per test, in order (they share one server and one page).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpSettings, startSmtp, startWebhookServer } from '../notify/notify-harness.ts';
import { callApi, ensureRendererBuilt, hasNoHorizontalOverflow, launchBrowser, screenshot, startUiServer, type UiServer } from './helpers.ts';

let server: UiServer;
let browser: Browser;
let page: Page;
let releaseFile: string;
let firstRunId = '';

const NODE = process.execPath;

beforeAll(async () => {
  await ensureRendererBuilt();
  server = await startUiServer();
  ({ browser, page } = await launchBrowser());
  releaseFile = path.join(server.dataDir, 'release-job');
  await page.goto(server.url);
  await page.waitForSelector('h1:has-text("Dashboard")');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function logContains(text: string, stream = 'stdout') {
  await page.waitForFunction(([t, s]) => document.querySelector(`[data-testid="log-${s}"]`)?.textContent?.includes(t) ?? false, [text, stream] as const);
}

async function open(route: string, heading: string) {
  await page.evaluate((r) => (window.location.hash = r), route);
  await page.waitForSelector(`h1:has-text("${heading}")`);
}

describe('the Batchlight window', () => {
  it('hides the token from the address bar and keeps working after a reload', async () => {
    expect(page.url()).not.toContain('token=');
    await page.reload();
    await page.waitForSelector('h1:has-text("Dashboard")');
    await expect(callApi(page, 'listSchedules')).resolves.toEqual([]);
  });

  it('shows the cron in words and the next 5 runs while typing, then an invalid cron inline', async () => {
    await open('#/schedules/new', 'New schedule');
    const cron = page.getByLabel('Cron', { exact: true });
    await cron.fill('*/5 * * * *');
    await page.waitForSelector('[data-testid="cron-words"]:has-text("Every 5 minutes")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="next-runs"] li').length === 5);
    await screenshot(page, 'schedule-editor');
    await cron.fill('61 * * * *');
    await page.waitForSelector('[data-testid="cron-error"]');
    await page.waitForSelector('.field:has(label:text-is("Cron")) .problem:has-text("Invalid value for minute: 61")');
    await expect(cron.getAttribute('aria-invalid')).resolves.toBe('true');
  });

  it('creates a schedule in the editor, runs it now and shows its live output with colours', async () => {
    // No braces: `{Name}` in arguments is a placeholder.
    const script = `const fs=require('fs');console.log('\\x1b[32mgreen hello\\x1b[0m');let i=0;setInterval(()=>fs.existsSync(${JSON.stringify(releaseFile)})?(console.log('done'),process.exit(0)):console.log('tick '+(++i)),150)`;
    await open('#/dashboard', 'Dashboard');
    await open('#/schedules/new', 'New schedule');
    await page.getByLabel('Name', { exact: true }).fill('e2e-hello');
    await page.getByLabel('Cron', { exact: true }).fill('0 3 * * *');
    await page.getByLabel('Tags').fill('e2e, demo');
    await page.getByLabel('Executable').fill(NODE);
    await page.getByLabel('Arguments').fill(`-e\n${script}`);
    await page.getByRole('button', { name: 'Save and run now' }).click();
    await page.waitForSelector('h1:has-text("Run of e2e-hello")');
    firstRunId = decodeURIComponent(page.url().split('#/runs/')[1] ?? '');
    await logContains('tick 2');
    await expect(page.locator('h1 .status').textContent()).resolves.toBe('running');
    await expect(page.locator('[data-testid="log-stdout"] .ansi-fg2').first().textContent()).resolves.toContain('green hello');
    fs.writeFileSync(releaseFile, '');
    await page.waitForSelector('h1 .status:has-text("succeeded")', { timeout: 20_000 });
    await logContains('done');
    await screenshot(page, 'run-log', true);
  });

  it('finds the run in the history', async () => {
    await open('#/runs', 'Runs');
    await page.waitForSelector(`[data-run="${firstRunId}"]:has-text("e2e-hello")`);
    await screenshot(page, 'runs');
    await page.locator(`[data-run="${firstRunId}"]`).click();
    await page.waitForSelector('h1:has-text("Run of e2e-hello")');
  });

  it('cancels a long run', async () => {
    await callApi(page, 'createSchedule', { spec: { name: 'e2e-long', cron: '0 4 * * *', job: { type: 'process', executablePath: NODE, arguments: ['-e', "setInterval(()=>console.log('still working'),200)"] } } });
    await open('#/schedules', 'Schedules');
    await page.getByRole('button', { name: 'Run e2e-long now' }).click();
    await page.waitForSelector('h1:has-text("Run of e2e-long")');
    await logContains('still working');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.waitForSelector('h1 .status:has-text("cancelled")', { timeout: 20_000 });
  });

  it('pauses and resumes a schedule from the table', async () => {
    await open('#/schedules', 'Schedules');
    await page.getByRole('button', { name: 'Pause e2e-hello' }).click();
    await page.getByRole('button', { name: 'Resume e2e-hello' }).waitFor();
    const paused = await callApi<{ paused: boolean }>(page, 'getSchedule', { name: 'e2e-hello' });
    expect(paused.paused).toBe(true);
    await page.getByRole('button', { name: 'Resume e2e-hello' }).click();
    await page.getByRole('button', { name: 'Pause e2e-hello' }).waitFor();
    await screenshot(page, 'schedules');
    expect(await hasNoHorizontalOverflow(page)).toBe(true);
  });

  it('saves a secret and never shows it again', async () => {
    await open('#/schedules/new', 'New schedule');
    await page.getByLabel('Name', { exact: true }).fill('e2e-secret');
    await page.getByLabel('Job type').selectOption('http');
    await page.getByLabel('URL').fill('http://127.0.0.1:9/health');
    await page.getByLabel('Authentication').selectOption('bearer');
    await page.getByLabel('Bearer token').fill('tok-SUPER-SECRET-42');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForSelector('h1:has-text("Schedules")');
    await open('#/schedules/e2e-secret/edit', 'Edit e2e-secret');
    const token = page.getByLabel('Bearer token');
    await expect(token.inputValue()).resolves.toBe('');
    await expect(token.getAttribute('placeholder')).resolves.toBe('•••• (set)');
    expect(await page.content()).not.toContain('SUPER-SECRET');
    const exported = await callApi<{ text: string }>(page, 'exportFile');
    expect(exported.text).not.toContain('SUPER-SECRET');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForSelector('h1:has-text("Schedules")');
    await open('#/schedules/e2e-secret/edit', 'Edit e2e-secret');
    await expect(page.getByLabel('Bearer token').getAttribute('placeholder')).resolves.toBe('•••• (set)');
  });

  it('imports a file with an error and shows the validator message', async () => {
    await open('#/import', 'Import and export');
    const bad = { schedules: [{ name: 'broken', cron: 'every tuesday', job: { type: 'process', executablePath: NODE, arguments: [] } }] };
    await page.getByLabel('File contents').fill(JSON.stringify(bad, null, 2));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForSelector('[data-testid="import-problems"] li:has-text("cron")');
    await screenshot(page, 'import');
    await expect(callApi<{ spec: { name: string } }[]>(page, 'listSchedules').then((l) => l.map((s) => s.spec.name))).resolves.not.toContain('broken');
  });

  it('imports a SQL job naming a connection nobody has defined, and warns about it', async () => {
    await open('#/import', 'Import and export');
    const file = { schedules: [{ name: 'e2e-orphan-sql', cron: '0 0 1 1 *', job: { type: 'sql', connection: 'nowhere', procedure: 'dbo.Nightly' } }] };
    await page.getByLabel('File contents').fill(JSON.stringify(file, null, 2));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForSelector(`[data-testid="import-warnings"] li:has-text("No connection named 'nowhere'")`);
    await expect(page.getByRole('status').textContent()).resolves.toContain('"created":["e2e-orphan-sql"]');
    await callApi(page, 'deleteSchedule', { name: 'e2e-orphan-sql' });
  });

  it('shows the dashboard and settings without layout breaks at 1024x700', async () => {
    await open('#/settings', 'Settings');
    await page.waitForSelector('legend:has-text("Connections")');
    await screenshot(page, 'settings');
    expect(await hasNoHorizontalOverflow(page)).toBe(true);
    await open('#/dashboard', 'Dashboard');
    await page.waitForSelector('#stats-title ~ table :text("e2e-hello")');
    await screenshot(page, 'dashboard', true);
    expect(await hasNoHorizontalOverflow(page)).toBe(true);
  });

  it('sends a test email and tests a saved webhook from Settings, showing each result', async () => {
    const smtp = await startSmtp();
    const hook = await startWebhookServer();
    await callApi(page, 'saveSettings', { settings: smtpSettings(smtp.port, { webhooks: [{ name: 'e2e-chat', url: `${hook.url}/chat` }] }) });
    await open('#/dashboard', 'Dashboard');
    await open('#/settings', 'Settings');
    await page.getByLabel('Test address').fill('me@corp.test');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await page.waitForSelector('[data-testid="email-test-results"] li:has-text("Email to me@corp.test: sent")');
    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['me@corp.test']]);
    await page.getByRole('button', { name: 'Test webhook e2e-chat' }).click();
    await page.waitForSelector('[data-testid="webhook-test-results"] li:has-text("Webhook e2e-chat: sent")');
    expect(hook.posts.map((p) => p.path)).toEqual(['/chat']);
  });

  it('shows on a succeeded run that its output could not all be written', async () => {
    // A file where the runs folder should be: the output's file cannot be created, as on a full disk.
    const runsDir = path.join(server.dataDir, 'runs');
    fs.renameSync(runsDir, `${runsDir}.aside`);
    fs.writeFileSync(runsDir, '');
    try {
      const script = "for(let i=1;i<=30;i++)console.log('line '+i+' '+'x'.repeat(490))";
      await callApi(page, 'createSchedule', { spec: { name: 'e2e-lost-output', cron: '0 4 * * *', job: { type: 'process', executablePath: NODE, arguments: ['-e', script] } } });
      await open('#/schedules', 'Schedules');
      await page.getByRole('button', { name: 'Run e2e-lost-output now' }).click();
      await page.waitForSelector('h1 .status:has-text("succeeded")', { timeout: 20_000 });
      await page.waitForSelector('h2:text-is("Details")');
      await page.waitForSelector('[data-testid="run-error-detail"]:has-text("Output incomplete (stdout)")');
      await logContains('line 30');
    } finally {
      fs.rmSync(runsDir);
      fs.renameSync(`${runsDir}.aside`, runsDir);
    }
  });

  it('shows start at login disabled with a note in a browser (no desktop app)', async () => {
    await open('#/settings', 'Settings');
    await expect(page.getByLabel('Start at login').isDisabled()).resolves.toBe(true);
    await page.waitForSelector('#start-login-note:has-text("Only in the desktop app.")');
  });
});
