import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths, defaultDataDir, resolveDataDir } from '../../src-main/engine/store/data-folder.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('data folder', () => {
  it('defaults to %LOCALAPPDATA%\\Batchlight on Windows (per user, not ProgramData)', () => {
    const env = { LOCALAPPDATA: 'C:\\Users\\ops\\AppData\\Local', ProgramData: 'C:\\ProgramData' };
    expect(defaultDataDir(env, 'win32', 'C:\\Users\\ops')).toBe('C:\\Users\\ops\\AppData\\Local\\Batchlight');
  });

  it('falls back to the profile\'s AppData\\Local when LOCALAPPDATA is unset', () => {
    expect(defaultDataDir({}, 'win32', 'C:\\Users\\ops')).toBe('C:\\Users\\ops\\AppData\\Local\\Batchlight');
  });

  it('uses $XDG_DATA_HOME/batchlight on Linux, else ~/.local/share/batchlight', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/data/xdg' }, 'linux', '/home/ops')).toBe('/data/xdg/batchlight');
    expect(defaultDataDir({}, 'linux', '/home/ops')).toBe('/home/ops/.local/share/batchlight');
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec requires', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: 'rel/dir' }, 'linux', '/home/ops')).toBe('/home/ops/.local/share/batchlight');
  });

  it('uses ~/Library/Application Support/Batchlight on macOS', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/ops')).toBe('/Users/ops/Library/Application Support/Batchlight');
  });

  it('resolveDataDir makes a relative folder absolute and creates it owner-only (0700)', () => {
    const base = tempDir('batchlight-data-');
    const relative = path.relative(process.cwd(), path.join(base, 'nested', 'data'));
    const dir = resolveDataDir(relative);
    expect(dir).toBe(path.join(base, 'nested', 'data'));
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('resolveDataDir refuses an empty path and a path that is a file', () => {
    const file = path.join(tempDir('batchlight-data-'), 'not-a-folder');
    writeFileSync(file, '');
    expect(() => resolveDataDir('  ')).toThrow(/Expected the data folder to be a path, got `"  "` \(string\)/);
    expect(() => resolveDataDir(file)).toThrow(file);
  });

  it('dataPaths names every file inside the folder', () => {
    expect(dataPaths('/srv/bl')).toEqual({
      db: '/srv/bl/batchlight.db',
      key: '/srv/bl/secret.key',
      runs: '/srv/bl/runs',
      logs: '/srv/bl/logs',
      httpToken: '/srv/bl/http-token',
    });
  });
});
