import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOrCreateToken } from '../../src-main/api/token.ts';
import { dataPaths } from '../../src-main/engine/store/data-folder.ts';
import { tempDir } from '../helpers/engine-harness.ts';

describe('HTTP access token', () => {
  it('is made of 32 random bytes on first start and stored readable by its owner only', () => {
    const dir = tempDir();
    const token = loadOrCreateToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = dataPaths(dir).httpToken;
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(token);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(tempDir())).not.toBe(token);
  });

  it('is reused on later starts', () => {
    const dir = tempDir();
    expect(loadOrCreateToken(dir)).toBe(loadOrCreateToken(dir));
  });

  it('replaces a damaged token file and tightens its mode', () => {
    const dir = tempDir();
    const file = dataPaths(dir).httpToken;
    fs.writeFileSync(file, 'short\n', { mode: 0o644 });
    const token = loadOrCreateToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(token);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
