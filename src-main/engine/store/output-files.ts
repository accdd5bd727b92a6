/**
 * What a run prints, kept in two files per run under `runs/<first two characters of the id>/`
 * (`<runId>.stdout.log`, `<runId>.stderr.log`), so that no folder grows past a few thousand
 * files and a run's files are found from its id alone. A file is created on the stream's first
 * byte; a run that prints nothing leaves no file.
 *
 * Each stream keeps at most `capBytes` in its file. Past the cap it keeps reading (a child
 * process whose pipe is not drained blocks forever), counts what it drops, and on close appends
 * "[output truncated by Batchlight: N more bytes not kept (cap 10 MB)]". The last 4 KB of each
 * stream are kept in memory, whole UTF-8 characters only, for the run row.
 *
 * With a `redact` function the output is decoded as UTF-8 and redacted line by line: text is
 * held back to the last newline (at most 64 KB) so that a secret split across two chunks of the
 * pipe is still seen whole. A secret inside a line longer than 64 KB can still be cut in two and
 * escape. Output that is not UTF-8 (a Windows console program printing in its OEM code page)
 * should be decoded by the runner before it gets here, or invalid bytes become U+FFFD.
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describeValue, toError } from '../errors.ts';

export type OutputStream = 'stdout' | 'stderr';

/** A run's two output streams, and what the run row needs from them once they are closed. */
export interface RunOutput {
  stdout: Writable;
  stderr: Writable;
  /**
   * Ends both streams (if the runner has not), writes the truncation notes and closes the files.
   * Call it once the runner is done with the streams. Rejects with the first disk error, after
   * everything is closed; output kept up to that error stays in the file.
   */
  close(): Promise<void>;
  tails(): { stdout: string; stderr: string };
  paths: { stdout: string; stderr: string };
  /** Bytes received per stream, including those past the cap. */
  bytes(): { stdout: number; stderr: number };
  truncated(): { stdout: boolean; stderr: boolean };
}

export interface RunOutputOptions {
  /** Applied to the text before it is written or kept in the tail. */
  redact?: (text: string) => string;
}

const TAIL_BYTES = 4096;
const LINE_HOLD_CHARS = 64 * 1024;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]+$/;

/** Opens the output files of run `runId` under `runsDir`, each capped at `capBytes`. */
export function createRunOutput(
  runsDir: string,
  runId: string,
  capBytes: number,
  options: RunOutputOptions = {},
): RunOutput {
  if (!Number.isSafeInteger(capBytes) || capBytes < 0) {
    throw new Error(`Expected \`outputCapBytes\` to be a whole number of bytes >= 0, got ${describeValue(capBytes)}`);
  }
  const paths = { stdout: outputPath(runsDir, runId, 'stdout'), stderr: outputPath(runsDir, runId, 'stderr') };
  const out = {
    stdout: new CappedFile(paths.stdout, capBytes, options.redact),
    stderr: new CappedFile(paths.stderr, capBytes, options.redact),
  };
  let closing: Promise<void> | undefined;
  return {
    stdout: out.stdout.writable,
    stderr: out.stderr.writable,
    paths,
    close: () => (closing ??= Promise.all([out.stdout.close(), out.stderr.close()]).then(() => undefined)),
    tails: () => ({ stdout: out.stdout.tail(), stderr: out.stderr.tail() }),
    bytes: () => ({ stdout: out.stdout.total, stderr: out.stderr.total }),
    truncated: () => ({ stdout: out.stdout.dropped > 0, stderr: out.stderr.dropped > 0 }),
  };
}

/**
 * Reads `length` bytes of a run's stream from `offset`, as text. The range is moved to whole
 * UTF-8 characters: `offset` and `nextOffset` say which bytes `text` holds, so paging with
 * `nextOffset` never splits a character. A run with no such file reads as empty.
 */
export async function readRunOutput(
  runsDir: string,
  runId: string,
  stream: OutputStream,
  range: { offset?: number; length?: number } = {},
): Promise<{ text: string; totalBytes: number; offset: number; nextOffset: number }> {
  const offset = range.offset ?? 0;
  const length = range.length ?? 256 * 1024;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new Error(`Expected \`offset\` to be a whole number >= 0, got ${describeValue(offset)}`);
  }
  if (!Number.isSafeInteger(length) || length <= 0) {
    throw new Error(`Expected \`length\` to be a whole number > 0, got ${describeValue(length)}`);
  }
  const file = outputPath(runsDir, runId, stream);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', totalBytes: 0, offset, nextOffset: offset };
    throw error;
  }
  try {
    const totalBytes = (await handle.stat()).size;
    // Read 3 bytes more on each side to find character boundaries.
    const from = Math.max(0, Math.min(offset, totalBytes) - 3);
    const to = Math.min(totalBytes, offset + length + 3);
    const buffer = Buffer.alloc(Math.max(0, to - from));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    const bytes = buffer.subarray(0, bytesRead);
    const start = charStart(bytes, Math.min(offset, totalBytes) - from);
    const endWanted = Math.min(offset + length, totalBytes) - from;
    const end = endWanted >= bytes.length ? bytes.length : charStart(bytes, endWanted);
    const text = end > start ? bytes.subarray(start, end).toString('utf8') : '';
    return { text, totalBytes, offset: from + start, nextOffset: from + Math.max(start, end) };
  } finally {
    await handle.close();
  }
}

/** Deletes a run's output files (retention); missing files are fine. */
export async function removeRunOutput(runsDir: string, runId: string): Promise<void> {
  await Promise.all([
    rm(outputPath(runsDir, runId, 'stdout'), { force: true }),
    rm(outputPath(runsDir, runId, 'stderr'), { force: true }),
  ]);
}

/** The file of one stream of a run; refuses ids that could point outside `runsDir`. */
export function outputPath(runsDir: string, runId: string, stream: OutputStream): string {
  if (!RUN_ID.test(runId)) {
    throw new Error(`Expected a run id of letters, digits, '-' and '_', got ${describeValue(runId)}`);
  }
  if (stream !== 'stdout' && stream !== 'stderr') {
    throw new Error(`Expected \`stream\` to be 'stdout' or 'stderr', got ${describeValue(stream)}`);
  }
  return path.join(runsDir, runId.slice(0, 2).toLowerCase(), `${runId}.${stream}.log`);
}

/** The index of the first UTF-8 character start at or after `i` (skipping continuation bytes). */
function charStart(bytes: Buffer, i: number): number {
  let j = Math.max(0, i);
  while (j < bytes.length && j < i + 3 && ((bytes[j] ?? 0) & 0xc0) === 0x80) j++;
  return j;
}

/** The length of `bytes` without a trailing character whose last bytes have not arrived yet. */
function completeEnd(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needs > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The index where a cut at `i` must move back to so it does not split a character. */
function charCut(bytes: Buffer, i: number): number {
  let j = i;
  while (j > 0 && j > i - 3 && ((bytes[j] ?? 0) & 0xc0) === 0x80) j--;
  return j;
}

function formatBytes(n: number): string {
  const units: Array<[number, string]> = [[1024 ** 3, 'GB'], [1024 ** 2, 'MB'], [1024, 'KB']];
  for (const [size, unit] of units) {
    if (n >= size) return `${Number((n / size).toFixed(1))} ${unit}`;
  }
  return `${n} bytes`;
}

/** One stream: cap, tail, optional line-buffered redaction, lazy file creation. */
class CappedFile {
  readonly writable: Writable;
  total = 0;
  dropped = 0;
  private kept = 0;
  private lastKept = 0x0a;
  private tailBytes = Buffer.alloc(0);
  private file: FileHandle | undefined;
  private failure: Error | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private held = '';

  constructor(
    private readonly filePath: string,
    private readonly cap: number,
    private readonly redact?: (text: string) => string,
  ) {
    // Errors are recorded, never passed to the stream: an errored stream would unpipe the child's
    // stdout and leave the child blocked on a full pipe.
    this.writable = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.receive(chunk).catch((error: unknown) => this.fail(error)).finally(() => done());
      },
      final: (done) => {
        this.finish().catch((error: unknown) => this.fail(error)).finally(() => done());
      },
    });
  }

  async close(): Promise<void> {
    if (!this.writable.writableEnded) this.writable.end();
    await finished(this.writable);
    if (this.failure) throw this.failure;
  }

  tail(): string {
    const start = charStart(this.tailBytes, 0);
    return this.tailBytes.subarray(start, completeEnd(this.tailBytes)).toString('utf8');
  }

  private fail(error: unknown): void {
    const cause = toError(error);
    this.failure ??= new Error(`Cannot keep run output in ${this.filePath}: ${cause.message}`, { cause });
  }

  private async receive(chunk: Buffer): Promise<void> {
    if (!this.redact) return this.keep(chunk);
    this.held += this.decoder.write(chunk);
    const cut = this.held.lastIndexOf('\n') + 1;
    const upTo = cut > 0 ? cut : this.held.length > LINE_HOLD_CHARS ? this.held.length : 0;
    if (upTo === 0) return;
    const text = this.held.slice(0, upTo);
    this.held = this.held.slice(upTo);
    await this.keep(Buffer.from(this.redact(text), 'utf8'));
  }

  private async finish(): Promise<void> {
    try {
      if (this.redact) {
        const rest = this.held + this.decoder.end();
        this.held = '';
        if (rest) await this.keep(Buffer.from(this.redact(rest), 'utf8'));
      }
      if (this.dropped > 0) {
        const lead = this.lastKept === 0x0a ? '' : '\n';
        const note = `${lead}[output truncated by Batchlight: ${this.dropped} more bytes not kept (cap ${formatBytes(this.cap)})]\n`;
        await this.append(Buffer.from(note, 'utf8'));
      }
    } finally {
      await this.file?.close();
    }
  }

  private async keep(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    this.total += bytes.length;
    const recent = bytes.length > TAIL_BYTES ? bytes.subarray(bytes.length - TAIL_BYTES) : bytes;
    const joined = Buffer.concat([this.tailBytes, recent]);
    this.tailBytes = joined.subarray(Math.max(0, joined.length - TAIL_BYTES));
    const room = this.cap - this.kept;
    const take = bytes.length <= room ? bytes.length : charCut(bytes, Math.max(0, room));
    this.dropped += bytes.length - take;
    // Once anything is dropped the file is closed to more output, so it never has a gap.
    this.kept = take < bytes.length ? this.cap : this.kept + take;
    if (take === 0) return;
    this.lastKept = bytes[take - 1] ?? 0x0a;
    await this.append(bytes.subarray(0, take));
  }

  /** Writes to the file, creating it on first use; after a disk error it only counts. */
  private async append(bytes: Buffer): Promise<void> {
    if (this.failure) return;
    if (!this.file) {
      await mkdir(path.dirname(this.filePath), { recursive: true });
      this.file = await open(this.filePath, 'w', 0o600);
    }
    await this.file.write(bytes);
  }
}
