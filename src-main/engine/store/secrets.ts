/**
 * Secrets at rest. Passwords, tokens and connection strings are stored encrypted with
 * AES-256-GCM as `enc:v1:` + base64(iv (12 bytes) | auth tag (16) | ciphertext). Each value gets
 * a fresh random IV, so the same secret never looks the same twice, and the tag makes a wrong
 * key or an altered value fail loudly instead of decrypting to garbage.
 *
 * The key: 32 random bytes in `secret.key` in the data folder, made on first use. It is written
 * to a temporary file (mode 0600) and then hard-linked into place, which fails if the key file
 * already exists; so two processes starting together on a new data folder (the tray app and a
 * CLI command) cannot both write one: the loser reads the winner's key. Where the file system
 * has no hard links, an exclusive create (O_EXCL) is used instead, and a reader that finds the
 * file still being written waits for it briefly.
 *
 * The key file starts with a header line `batchlight-key v1 <protection>`:
 * - `none`: the key itself, base64. Protected by file permissions only: mode 0600 on Linux and
 *   macOS. On Windows modes do not apply; the default data folder under %LOCALAPPDATA% is
 *   readable only by the user, SYSTEM and Administrators (its inherited ACL), which is what
 *   protects the key. Put a custom data folder somewhere with a similar ACL.
 * - `os`: the key as wrapped by the `protect` function the host passed, base64. The tray app
 *   passes Electron's safeStorage (DPAPI on Windows, the Keychain on macOS), so a copy of the
 *   data folder is useless on another machine or to another user. Such a key can be opened only
 *   by a host that passes the matching `unprotect`; a headless process gets a clear error.
 * The protection is chosen when the key is created and kept for the life of the data folder.
 *
 * Losing the key file makes every stored secret unreadable (nothing else is lost): back it up
 * with the database, and keep the backup as private as the key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const PREFIX = 'enc:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 'batchlight-key v1';

/** Encrypts and decrypts secret strings with the data folder's key. */
export interface SecretBox {
  readonly keyFile: string;
  /** `enc:v1:…`, different on every call even for the same input. */
  encrypt(plain: string): string;
  /** The plain text of a value made by `encrypt`; throws SecretError for a wrong key or damage. */
  decrypt(token: string): string;
  isEncrypted(value: string): boolean;
}

/** How the host wraps the key (Electron safeStorage in the tray app); both or neither. */
export interface SecretBoxOptions {
  protect?(key: Buffer): Buffer;
  unprotect?(wrapped: Buffer): Buffer;
}

/** A secret cannot be read or the key cannot be loaded; the message says which file and why. */
export class SecretError extends Error {
  override name = 'SecretError';
}

/** True for a value written by `SecretBox.encrypt` (any version), so callers can skip plain text. */
export function isEncrypted(value: string): boolean {
  return /^enc:v\d+:/.test(value);
}

/** Loads the key from `keyFile`, creating it on first use, and returns a box that uses it. */
export function createSecretBox(keyFile: string, options: SecretBoxOptions = {}): SecretBox {
  if (!options.protect !== !options.unprotect) {
    throw new Error('Expected both `protect` and `unprotect` for the secret key, or neither');
  }
  const key = loadOrCreateKey(keyFile, options);
  const mismatch = () =>
    new SecretError(`Cannot decrypt a stored secret: the key file ${keyFile} does not match this database`);
  return {
    keyFile,
    isEncrypted,
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    decrypt(token) {
      if (!token.startsWith(PREFIX)) {
        const shown = isEncrypted(token) ? token.slice(0, token.indexOf(':', 4) + 1) : 'plain text';
        throw new SecretError(`Cannot decrypt a stored secret: expected an ${PREFIX} value, got ${shown}`);
      }
      const raw = Buffer.from(token.slice(PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) {
        throw new SecretError(
          `Cannot decrypt a stored secret: the value is damaged (${raw.length} bytes, expected at least ${IV_BYTES + TAG_BYTES})`,
        );
      }
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw mismatch();
      }
    },
  };
}

function loadOrCreateKey(keyFile: string, options: SecretBoxOptions): Buffer {
  const existing = readKey(keyFile, options);
  if (existing) return existing;
  const key = randomBytes(KEY_BYTES);
  const protection = options.protect ? 'os' : 'none';
  const stored = options.protect ? options.protect(key) : key;
  const content = `${HEADER} ${protection}\n${stored.toString('base64')}\n`;
  if (writeExclusive(keyFile, content)) return key;
  const winner = readKey(keyFile, options);
  if (!winner) throw new SecretError(`The key file ${keyFile} vanished while it was being created`);
  return winner;
}

/** The key in `keyFile`, or null when there is no such file. */
function readKey(keyFile: string, options: SecretBoxOptions): Buffer | null {
  for (let attempt = 0; ; attempt++) {
    let text: string;
    try {
      text = readFileSync(keyFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new SecretError(`Cannot read the key file ${keyFile}: ${(error as Error).message}`, { cause: error });
    }
    const lines = text.split('\n');
    // A complete file is "header\nbase64\n"; a shorter one is still being written (O_EXCL path).
    if (lines.length >= 3) return parseKey(keyFile, lines[0] ?? '', lines[1] ?? '', options);
    if (attempt >= 40) {
      throw new SecretError(`The key file ${keyFile} is incomplete (${text.length} bytes); it was not written fully`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function parseKey(keyFile: string, header: string, body: string, options: SecretBoxOptions): Buffer {
  const protection = header.startsWith(`${HEADER} `) ? header.slice(HEADER.length + 1).trim() : null;
  const stored = Buffer.from(body.trim(), 'base64');
  let key: Buffer;
  if (protection === 'none') {
    key = stored;
  } else if (protection === 'os') {
    if (!options.unprotect) {
      throw new SecretError(
        `The key file ${keyFile} is protected by the tray app with the user's OS key store; ` +
          'this process cannot unlock it. Use the tray app, or run under a host that can.',
      );
    }
    try {
      key = options.unprotect(stored);
    } catch (error) {
      throw new SecretError(
        `Cannot unlock the key file ${keyFile} with the OS key store (another user or machine?): ${(error as Error).message}`,
        { cause: error },
      );
    }
  } else {
    throw new SecretError(`The key file ${keyFile} is not a Batchlight key (first line: ${JSON.stringify(header.slice(0, 40))})`);
  }
  if (key.length !== KEY_BYTES) {
    throw new SecretError(`The key file ${keyFile} is damaged: the key has ${key.length} bytes, expected ${KEY_BYTES}`);
  }
  return key;
}

/** Creates `file` with `content` unless it exists; true when this call created it. */
function writeExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeDurably(temp, content);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
  } finally {
    unlinkSync(temp);
  }
  try {
    writeDurably(file, content);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function writeDurably(file: string, content: string): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
