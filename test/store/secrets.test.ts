import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSecretBox, isEncrypted, SecretError } from '../../src-main/engine/store/secrets.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const secretsModule = fileURLToPath(new URL('../../src-main/engine/store/secrets.ts', import.meta.url));

function keyFile(): string {
  return path.join(tempDir('batchlight-secrets-'), 'secret.key');
}

/** A stand-in for Electron's safeStorage: wraps the key so the file does not hold it in clear. */
const xorProtector = {
  protect: (key: Buffer) => Buffer.from(key.map((b) => b ^ 0x5a)),
  unprotect: (wrapped: Buffer) => Buffer.from(wrapped.map((b) => b ^ 0x5a)),
};

describe('secret box', () => {
  it('a secret round-trips through encrypt and decrypt, also after re-opening the key', () => {
    const file = keyFile();
    const token = createSecretBox(file).encrypt('Pa55w0rd; with ünïcödé ✓');
    expect(token.startsWith('enc:v1:')).toBe(true);
    expect(token).not.toContain('Pa55w0rd');
    expect(createSecretBox(file).decrypt(token)).toBe('Pa55w0rd; with ünïcödé ✓');
  });

  it('the same secret encrypts differently each time', () => {
    const box = createSecretBox(keyFile());
    const a = box.encrypt('same');
    const b = box.encrypt('same');
    expect(a).not.toBe(b);
    expect(box.decrypt(a)).toBe(box.decrypt(b));
  });

  it('decrypting with another data folder\'s key fails with a message naming the key file', () => {
    const token = createSecretBox(keyFile()).encrypt('secret');
    const other = keyFile();
    const box = createSecretBox(other);
    expect(() => box.decrypt(token)).toThrow(SecretError);
    expect(() => box.decrypt(token)).toThrow(
      `Cannot decrypt a stored secret: the key file ${other} does not match this database`,
    );
  });

  it('an altered ciphertext is refused rather than decrypted to garbage', () => {
    const box = createSecretBox(keyFile());
    const token = box.encrypt('secret value');
    const raw = Buffer.from(token.slice('enc:v1:'.length), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => box.decrypt(`enc:v1:${raw.toString('base64')}`)).toThrow(/does not match this database/);
  });

  it('decrypting plain text says it is not an encrypted value', () => {
    expect(() => createSecretBox(keyFile()).decrypt('hunter2')).toThrow(/expected an enc:v1: value, got plain text/);
  });

  it('isEncrypted tells stored ciphertext from plain text', () => {
    const box = createSecretBox(keyFile());
    expect(isEncrypted(box.encrypt('x'))).toBe(true);
    expect(box.isEncrypted('Server=x;Password=y')).toBe(false);
  });

  it('the key file is created readable by its owner only (0600)', () => {
    const file = keyFile();
    createSecretBox(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^batchlight-key v1 none\n[A-Za-z0-9+/]{43}=\n$/);
  });

  it('processes starting together on a new data folder agree on one key', async () => {
    const dir = tempDir('batchlight-secrets-race-');
    const script = path.join(dir, 'child.mts');
    writeFileSync(
      script,
      `import { createSecretBox } from ${JSON.stringify(pathToFileURL(secretsModule).href)};
const [keyFile, startAt] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {}
process.stdout.write(createSecretBox(keyFile).encrypt('agreed'));
`,
    );
    // Several rounds of six processes released at the same instant: a create that is not
    // exclusive lets a later process overwrite the key, and an earlier one's secret then fails.
    for (const round of [1, 2]) {
      const file = path.join(dir, `secret-${round}.key`);
      const startAt = String(Date.now() + 2500);
      const children = Array.from({ length: 6 }, () =>
        run(process.execPath, ['--import', 'tsx', script, file, startAt], { cwd: repoRoot }),
      );
      const tokens = (await Promise.all(children)).map((child) => child.stdout);
      const box = createSecretBox(file);
      for (const token of tokens) expect(box.decrypt(token)).toBe('agreed');
    }
    expect(readdirSync(dir).sort()).toEqual(['child.mts', 'secret-1.key', 'secret-2.key']);
  });

  it('a key protected by the host opens again only with its unprotect function', () => {
    const file = keyFile();
    const token = createSecretBox(file, xorProtector).encrypt('wrapped');
    expect(readFileSync(file, 'utf8')).toMatch(/^batchlight-key v1 os\n/);
    expect(createSecretBox(file, xorProtector).decrypt(token)).toBe('wrapped');
    expect(() => createSecretBox(file)).toThrow(/protected by the tray app with the user's OS key store/);
  });

  it('a key file that is not a Batchlight key is refused, not overwritten', () => {
    const file = keyFile();
    writeFileSync(file, 'something else\nabc\n');
    expect(() => createSecretBox(file)).toThrow(/is not a Batchlight key/);
    expect(readFileSync(file, 'utf8')).toBe('something else\nabc\n');
  });
});
