import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src-main/engine/store/data-folder.ts';
import { onCleanup, tempDir, waitFor } from '../helpers/engine-harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'batchlight.mjs');

describe('batchlight serve --ui', { timeout: 60_000 }, () => {
  it('prints the UI URL with the token once, answers API calls with it, and stops on SIGTERM', async () => {
    const dir = tempDir();
    const child = execa(process.execPath, [BIN, 'serve', '--ui', '--port', '0', '--quiet', '--data', dir], { cwd: ROOT, reject: false, all: true, buffer: false, stdin: 'ignore' });
    let text = '';
    child.all?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const exited = child.then((r) => r.exitCode);
    onCleanup(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    const match = await waitFor(() => /Batchlight UI: (http:\/\/127\.0\.0\.1:(\d+)\/)#token=([A-Za-z0-9_-]+)\n/.exec(text) ?? undefined, 20_000, 'the UI URL');
    const [, base, , token] = match;
    expect(token).toBe(fs.readFileSync(dataPaths(dir).httpToken, 'utf8').trim());
    const state = await fetch(`${base}api/engineState`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(await state.json()).toMatchObject({ ok: true, value: { serving: true } });
    expect((await fetch(`${base}api/engineState`, { method: 'POST' })).status).toBe(401);
    const page = await fetch(base!);
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(text.match(/#token=/g)).toHaveLength(1);
    const logs = dataPaths(dir).logs;
    for (const file of fs.existsSync(logs) ? fs.readdirSync(logs) : []) expect(fs.readFileSync(path.join(logs, file), 'utf8')).not.toContain(token);
  });

  it('refuses a --port that is not a port number', async () => {
    const result = await execa(process.execPath, [BIN, 'serve', '--ui', '--port', '70000', '--data', tempDir()], { cwd: ROOT, reject: false, stdin: 'ignore' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Expected --port to be a port number from 0 to 65535, got `70000`/);
  });
});
