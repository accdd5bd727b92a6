/**
 * Where Batchlight keeps its state. The tray app runs as the signed-in user, so the default is
 * a per-user folder (Windows: %LOCALAPPDATA%\Batchlight, which only that user and SYSTEM and
 * Administrators can read by default; %ProgramData% would suit a service, not a tray app).
 * A service or a shared setup passes its own folder (`--data <dir>`).
 */
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { describeValue } from '../errors.ts';

/** The files and folders inside a data folder. */
export interface DataPaths {
  db: string;
  key: string;
  runs: string;
  logs: string;
  httpToken: string;
}

/**
 * The per-user default data folder for this platform: %LOCALAPPDATA%\Batchlight on Windows,
 * ~/Library/Application Support/Batchlight on macOS, $XDG_DATA_HOME/batchlight (or
 * ~/.local/share/batchlight) elsewhere. The arguments exist for tests.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local');
    return path.win32.join(local, 'Batchlight');
  }
  if (platform === 'darwin') {
    return path.posix.join(home, 'Library', 'Application Support', 'Batchlight');
  }
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, 'batchlight');
}

/**
 * Turns the `--data` argument (or the default) into an absolute folder that exists, creating it
 * readable by its owner only (mode 0700; on Windows the mode is ignored and the folder inherits
 * the parent's ACL). An existing folder keeps its permissions.
 */
export function resolveDataDir(arg?: string): string {
  if (arg !== undefined && arg.trim() === '') {
    throw new Error(`Expected the data folder to be a path, got ${describeValue(arg)}`);
  }
  const dir = path.resolve(arg ?? defaultDataDir());
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`Cannot create the data folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  if (!statSync(dir).isDirectory()) {
    throw new Error(`The data folder ${dir} exists but is not a folder`);
  }
  return dir;
}

/** The paths of the database, secret key, run output, logs and HTTP token inside `dir`. */
export function dataPaths(dir: string): DataPaths {
  return {
    db: path.join(dir, 'batchlight.db'),
    key: path.join(dir, 'secret.key'),
    runs: path.join(dir, 'runs'),
    logs: path.join(dir, 'logs'),
    httpToken: path.join(dir, 'http-token'),
  };
}
