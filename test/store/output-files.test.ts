import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createRunOutput,
  readRunOutput,
  removeRunOutput,
} from '../../src-main/engine/store/output-files.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function runsDir(): string {
  return path.join(tempDir('batchlight-output-'), 'runs');
}

async function write(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** Writes `chunk` and waits until the stream has dealt with it (kept it or written it). */
function written(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/** More than the 4 KB a stream may hold in memory, so it goes to a file. */
const LARGE = `${'x'.repeat(5000)}\n`;

/** Pages through a whole stream `length` bytes at a time, checking that pages join up. */
async function pageAll(read: (offset: number) => Promise<{ text: string; totalBytes: number; nextOffset: number }>): Promise<string> {
  let paged = '';
  let offset = 0;
  for (;;) {
    const page = await read(offset);
    paged += page.text;
    if (page.nextOffset >= page.totalBytes) return paged;
    offset = page.nextOffset;
  }
}

describe('run output files', () => {
  it('keeps stdout and stderr in separate files named after the run', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, '0f4c2a9e-run', 1 << 20);
    await write(out.stdout, `to stdout\n${LARGE}`);
    await write(out.stderr, `to stderr\n${LARGE}`);
    await out.close();
    expect(out.paths.stdout).toBe(path.join(dir, '0f', '0f4c2a9e-run.stdout.log'));
    expect(readFileSync(out.paths.stdout, 'utf8')).toBe(`to stdout\n${LARGE}`);
    expect(readFileSync(out.paths.stderr, 'utf8')).toBe(`to stderr\n${LARGE}`);
  });

  it('a run printing a small line leaves no file; its stored tail reads as the whole output', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'small-run', 1 << 20);
    await write(out.stdout, 'HTTP 200 OK\n');
    await out.close();
    expect(existsSync(out.paths.stdout)).toBe(false);
    expect(existsSync(path.dirname(out.paths.stdout))).toBe(false);
    expect(out.tails().stdout).toBe('HTTP 200 OK\n');
    expect(await readRunOutput(dir, 'small-run', 'stdout', {}, out.tails().stdout)).toEqual({
      text: 'HTTP 200 OK\n',
      totalBytes: 12,
      offset: 0,
      nextOffset: 12,
    });
  });

  it('a stream passing 4 KB moves to its file, which holds everything in order', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'growing', 1 << 20);
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`);
    await written(out.stdout, lines.slice(0, 100).join(''));
    expect(existsSync(out.paths.stdout)).toBe(false);
    // Many small writes without waiting: they queue up while the file is written and stay in order.
    for (const line of lines.slice(100)) out.stdout.write(line);
    await written(out.stdout, '');
    expect(existsSync(out.paths.stdout)).toBe(true);
    await out.close();
    expect(readFileSync(out.paths.stdout, 'utf8')).toBe(lines.join(''));
    // The file wins over the stored tail, which is only its last 4 KB.
    expect((await readRunOutput(dir, 'growing', 'stdout', {}, out.tails().stdout)).text).toBe(lines.join(''));
  });

  it('a stream open for over a second moves its few bytes to the file before the run ends', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'slow-run', 1 << 20);
    const ticks: string[] = [];
    for (let i = 0; i < 13; i++) {
      ticks.push(`tick ${i}\n`);
      await written(out.stdout, ticks.at(-1)!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(existsSync(out.paths.stdout)).toBe(true);
    expect((await readRunOutput(dir, 'slow-run', 'stdout')).text).toBe(ticks.join(''));
    await written(out.stdout, 'done\n');
    await out.close();
    expect(readFileSync(out.paths.stdout, 'utf8')).toBe(`${ticks.join('')}done\n`);
  });

  it('a stream that printed nothing leaves no file and reads as empty', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'quiet-run', 1024);
    await write(out.stdout, 'only stdout\n');
    await out.close();
    expect(existsSync(out.paths.stderr)).toBe(false);
    expect(await readRunOutput(dir, 'quiet-run', 'stderr')).toMatchObject({ text: '', totalBytes: 0 });
  });

  it('output past the cap is counted, not kept, and the file ends with a truncation note', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'capped', 1024);
    for (let i = 0; i < 30; i++) await write(out.stdout, `${'x'.repeat(99)}\n`);
    await out.close();
    const text = readFileSync(out.paths.stdout, 'utf8');
    expect(text.slice(0, 1024)).toBe(`${'x'.repeat(99)}\n`.repeat(11).slice(0, 1024));
    expect(text.slice(1024)).toBe('\n[output truncated by Batchlight: 1976 more bytes not kept (cap 1 KB)]\n');
    expect(out.bytes()).toEqual({ stdout: 3000, stderr: 0 });
    expect(out.truncated()).toEqual({ stdout: true, stderr: false });
  });

  it('output within the cap has no truncation note', async () => {
    const out = createRunOutput(runsDir(), 'fits', 6000);
    await write(out.stdout, 'a'.repeat(6000));
    await out.close();
    expect(readFileSync(out.paths.stdout, 'utf8')).toBe('a'.repeat(6000));
    expect(out.truncated().stdout).toBe(false);
  });

  it('a cap below 4 KB truncates a small output too, and the file carries the note', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'tiny-cap', 10);
    await write(out.stdout, 'hello world!\n');
    await out.close();
    expect(readFileSync(out.paths.stdout, 'utf8')).toBe(
      'hello worl\n[output truncated by Batchlight: 3 more bytes not kept (cap 10 bytes)]\n',
    );
    expect(out.truncated().stdout).toBe(true);
  });

  it('the cap never cuts a multi-byte character in half', async () => {
    const out = createRunOutput(runsDir(), 'euro', 5);
    await write(out.stdout, '€€');
    await out.close();
    expect(readFileSync(out.paths.stdout, 'utf8')).toBe(
      '€\n[output truncated by Batchlight: 3 more bytes not kept (cap 5 bytes)]\n',
    );
  });

  it('a child printing 50 MB through a 1 MB cap runs to its end (its pipe is always drained)', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'big-run', 1024 * 1024);
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const chunk = Buffer.alloc(1 << 20, 'y'); let left = 50;
         const pump = () => { while (left > 0) { left--; if (!process.stdout.write(chunk)) return process.stdout.once('drain', pump); } };
         pump();`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    child.stdout.pipe(out.stdout);
    const [code] = (await once(child, 'close')) as [number];
    await out.close();
    expect(code).toBe(0);
    expect(out.bytes().stdout).toBe(50 * 1024 * 1024);
    const note = '\n[output truncated by Batchlight: 51380224 more bytes not kept (cap 1 MB)]\n';
    expect(statSync(out.paths.stdout).size).toBe(1024 * 1024 + note.length);
    expect(out.tails().stdout).toBe('y'.repeat(4096));
  });

  it('the tail holds the last 4 KB of each stream', async () => {
    const out = createRunOutput(runsDir(), 'tail-run', 1024);
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('');
    await write(out.stdout, lines.slice(0, 7000));
    await write(out.stdout, lines.slice(7000));
    await write(out.stderr, 'short error\n');
    await out.close();
    expect(out.tails()).toEqual({ stdout: lines.slice(-4096), stderr: 'short error\n' });
  });

  it('a character split across two chunks stays whole in the tail', async () => {
    const out = createRunOutput(runsDir(), 'split-run', 1024);
    const euro = Buffer.from('total: 5 €', 'utf8');
    await write(out.stdout, euro.subarray(0, euro.length - 1));
    expect(out.tails().stdout).toBe('total: 5 ');
    await write(out.stdout, Buffer.concat([euro.subarray(euro.length - 1), Buffer.from(' ok')]));
    await out.close();
    expect(out.tails().stdout).toBe('total: 5 € ok');
  });

  it('a tail whose 4 KB window starts inside a character drops the partial character', async () => {
    const out = createRunOutput(runsDir(), 'window-run', 1024);
    await write(out.stdout, `${'é'.repeat(3000)}a`);
    await out.close();
    expect(out.tails().stdout).toBe(`${'é'.repeat(2047)}a`);
  });

  it('with a redactor, a secret split across two chunks is still hidden in the file and the tail', async () => {
    const out = createRunOutput(runsDir(), 'redacted', 1 << 20, {
      redact: (text) => text.replaceAll('hunter2', '***'),
    });
    await write(out.stdout, `${LARGE}connecting with hun`);
    await write(out.stdout, 'ter2\nthen hunter2 again');
    await out.close();
    expect(readFileSync(out.paths.stdout, 'utf8')).toBe(`${LARGE}connecting with ***\nthen *** again`);
    expect(out.tails().stdout).toMatch(/xxx\nconnecting with \*\*\*\nthen \*\*\* again$/);
  });

  it('range reads return the asked bytes and page without splitting characters', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'ranged', 1 << 20);
    const text = `abc€def${'ü'.repeat(3000)}end`;
    await write(out.stdout, text);
    await out.close();
    expect(existsSync(out.paths.stdout)).toBe(true);
    const total = Buffer.byteLength(text);
    expect(await readRunOutput(dir, 'ranged', 'stdout', { offset: 0, length: 3 })).toEqual({
      text: 'abc',
      totalBytes: total,
      offset: 0,
      nextOffset: 3,
    });
    // Byte 4 is inside '€' (bytes 3-5): the page starts after it and says so.
    expect(await readRunOutput(dir, 'ranged', 'stdout', { offset: 4, length: 5 })).toMatchObject({
      text: 'def',
      offset: 6,
      nextOffset: 9,
    });
    expect(await pageAll((offset) => readRunOutput(dir, 'ranged', 'stdout', { offset, length: 7 }))).toBe(text);
  });

  it('paging over a stored tail (no file) follows the same rules and splits no character', async () => {
    const dir = runsDir();
    const kept = `abc€def${'ü'.repeat(100)}end`;
    const total = Buffer.byteLength(kept);
    expect(await readRunOutput(dir, 'in-row', 'stdout', { offset: 0, length: 3 }, kept)).toEqual({
      text: 'abc',
      totalBytes: total,
      offset: 0,
      nextOffset: 3,
    });
    expect(await readRunOutput(dir, 'in-row', 'stdout', { offset: 4, length: 5 }, kept)).toMatchObject({
      text: 'def',
      offset: 6,
      nextOffset: 9,
    });
    expect(await readRunOutput(dir, 'in-row', 'stdout', { offset: total + 5 }, kept)).toMatchObject({ text: '', totalBytes: total });
    expect(await pageAll((offset) => readRunOutput(dir, 'in-row', 'stdout', { offset, length: 7 }, kept))).toBe(kept);
    expect(await readRunOutput(dir, 'in-row', 'stdout', {}, null)).toMatchObject({ text: '', totalBytes: 0 });
  });

  it('removing a run\'s output deletes its files and tolerates a run without any', async () => {
    const dir = runsDir();
    const out = createRunOutput(dir, 'old-run', 1 << 20);
    await write(out.stdout, LARGE);
    await write(out.stderr, LARGE);
    await out.close();
    expect(existsSync(out.paths.stdout) && existsSync(out.paths.stderr)).toBe(true);
    await removeRunOutput(dir, 'old-run');
    expect(existsSync(out.paths.stdout)).toBe(false);
    expect(existsSync(out.paths.stderr)).toBe(false);
    await expect(removeRunOutput(dir, 'never-ran')).resolves.toBeUndefined();
  });

  it.each(['../../etc/passwd', 'a/b', 'x', '..', 'C:\\temp', ''])('refuses run id %j that could leave the runs folder', (id) => {
    expect(() => createRunOutput(runsDir(), id, 1024)).toThrow(/Expected a run id/);
  });
});
