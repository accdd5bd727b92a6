/**
 * The loopback server's access token: 32 random bytes made on first start and kept in the data
 * folder (`http-token`, mode 0600), so the URL printed once keeps working across restarts. On
 * Windows the mode is ignored; the file inherits the data folder's ACL, which only the user,
 * SYSTEM and Administrators can read (see store/data-folder.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dataPaths } from '../engine/store/data-folder.ts';

/** A stored token shorter than this is treated as damaged and replaced. */
const MIN_LENGTH = 32;

/** Reads the data folder's token, creating it (URL-safe base64 of 32 random bytes) if absent. */
export function loadOrCreateToken(dataDir: string): string {
  const file = dataPaths(dataDir).httpToken;
  const existing = readToken(file);
  if (existing) {
    if (process.platform !== 'win32') chmodSync(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: existing === '' ? 'w' : 'wx' });
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readToken(file) || token;
    throw new Error(`Cannot write the HTTP token file ${file}: ${(error as Error).message}`, { cause: error });
  }
  // A damaged file was rewritten in place and keeps its old mode: tighten it.
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  return token;
}

/** The token in `file`; `''` when the file exists but holds no usable token; undefined when absent. */
function readToken(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the HTTP token file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const token = text.trim();
  return /^[A-Za-z0-9_-]+$/.test(token) && token.length >= MIN_LENGTH ? token : '';
}
