/**
 * What a run prints. Small, short-lived output stays in the run row; anything else goes to two
 * files per run under `runs/<first two characters of the id>/` (`<runId>.stdout.log`,
 * `<runId>.stderr.log`), so that no folder grows past a few thousand files and a run's files
 * are found from its id alone.
 *
 * The run row keeps the last 4 KB of each stream (whole UTF-8 characters only). A stream holds
 * its output in memory while all of it fits in that tail (and in the cap) and it has been open
 * less than 1 second since its first byte; if the run ends then, no file is created and the tail
 * in the row is the whole output. Creating, writing and closing a file costs more than the rest
 * of a short HTTP run, and millions of tiny files are a burden on the disk and on backups (worst
 * on Windows). Past 4 KB, or after 1 s, the stream "spills": the file is created, gets what was
 * held, and takes everything after, so a long job's output reaches the disk (crash safety, and
 * the live output view reads the files while a run runs). Readers are given the row's tail and
 * read it when there is no file (`readRunOutput`'s `kept`). A stream that printed nothing has
 * neither file nor tail.
 *
 * Each stream keeps at most `capBytes` in its file. Past the cap it keeps reading (a child
 * process whose pipe is not drained blocks forever), counts what it drops, and on close appends
 * "[output truncated by Batchlight: N more bytes not kept (cap 10 MB)]". Chunks that arrive while
 * a file write is in flight are written together in the next one.
 *
 * With a `redact` function the output is decoded as UTF-8 and redacted line by line: text is
 * held back to the last newline (at most 64 KB) so that a secret split across two chunks of the
 * pipe is still seen whole. A secret inside a line longer than 64 KB can still be cut in two and
 * escape. Output that is not UTF-8 (a Windows console program printing in its OEM code page)
 * should be decoded by the runner before it gets here, or invalid bytes become U+FFFD.
 */
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { describeValue } from '../errors.ts';
import { CappedStream } from './capped-stream.ts';
import { charStart } from './utf8-bounds.ts';

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
  /** The last 4 KB of each stream; the whole output of a stream that never spilled to its file. */
  tails(): { stdout: string; stderr: string };
  /** Where each stream's file is, if it spilled to one. */
  paths: { stdout: string; stderr: string };
  /** Bytes received per stream, including those past the cap. */
  bytes(): { stdout: number; stderr: number };
  truncated(): { stdout: boolean; stderr: boolean };
}

export interface RunOutputOptions {
  /** Applied to the text before it is written or kept in the tail. */
  redact?: (text: string) => string;
}

/** A page of a run's stream: `offset` and `nextOffset` say which bytes `text` holds. */
export interface OutputPage {
  text: string;
  totalBytes: number;
  offset: number;
  nextOffset: number;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]+$/;

/** Opens the output streams of run `runId` under `runsDir`, each capped at `capBytes`. */
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
  return new LazyRunOutput(paths, capBytes, options.redact);
}

/**
 * The streams are built when the runner first asks for one: many runs never touch stderr, and a
 * runner that returns data (SQL) may touch neither. A class, not an object literal with `get`
 * accessors: V8 allocates each literal's getter pair in old space, and that pair kept the run's
 * streams, buffers and listeners alive until the next full GC, so nearly every run's output was
 * promoted out of the young generation. Over 9,300 HTTP runs the young-generation pauses took
 * 202-264 ms with the class against 317-414 ms with the literal (`--trace-gc-nvp`).
 */
class LazyRunOutput implements RunOutput {
  readonly #streams: Partial<Record<OutputStream, CappedStream>> = {};
  #closing: Promise<void> | undefined;

  constructor(
    readonly paths: { stdout: string; stderr: string },
    private readonly capBytes: number,
    private readonly redact: ((text: string) => string) | undefined,
  ) {}

  get stdout(): Writable {
    return this.#stream('stdout').writable;
  }

  get stderr(): Writable {
    return this.#stream('stderr').writable;
  }

  close(): Promise<void> {
    const { stdout, stderr } = this.#streams;
    return (this.#closing ??= Promise.all([stdout?.close(), stderr?.close()]).then(() => undefined));
  }

  tails(): { stdout: string; stderr: string } {
    const { stdout, stderr } = this.#streams;
    return { stdout: stdout?.tail() ?? '', stderr: stderr?.tail() ?? '' };
  }

  bytes(): { stdout: number; stderr: number } {
    const { stdout, stderr } = this.#streams;
    return { stdout: stdout?.total ?? 0, stderr: stderr?.total ?? 0 };
  }

  truncated(): { stdout: boolean; stderr: boolean } {
    const { stdout, stderr } = this.#streams;
    return { stdout: (stdout?.dropped ?? 0) > 0, stderr: (stderr?.dropped ?? 0) > 0 };
  }

  #stream(name: OutputStream): CappedStream {
    return (this.#streams[name] ??= new CappedStream(this.paths[name], this.capBytes, this.redact));
  }
}

/**
 * Reads `length` bytes of a run's stream from `offset`, as text. The range is moved to whole
 * UTF-8 characters, so paging with `nextOffset` never splits a character. `kept` is the run's
 * stored tail of that stream (`stdoutTail`/`stderrTail`): a stream without a file never spilled,
 * so its tail is its whole output and is paged the same way. Without either it reads as empty.
 */
export async function readRunOutput(
  runsDir: string,
  runId: string,
  stream: OutputStream,
  range: { offset?: number; length?: number } = {},
  kept?: string | null,
): Promise<OutputPage> {
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
    // No file (ENOTDIR: something that is not a folder stands where its folder should be).
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    if (!kept) return { text: '', totalBytes: 0, offset, nextOffset: offset };
    const bytes = Buffer.from(kept, 'utf8');
    return page(bytes.length, offset, length, (from, to) => Promise.resolve(bytes.subarray(from, to)));
  }
  try {
    const totalBytes = (await handle.stat()).size;
    return await page(totalBytes, offset, length, async (from, to) => {
      const buffer = Buffer.alloc(to - from);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
      return buffer.subarray(0, bytesRead);
    });
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

/** One page of `totalBytes` bytes, whichever `read` fetches them from (a file or a string). */
async function page(
  totalBytes: number,
  offset: number,
  length: number,
  read: (from: number, to: number) => Promise<Buffer>,
): Promise<OutputPage> {
  // Read 3 bytes more on each side to find character boundaries.
  const from = Math.max(0, Math.min(offset, totalBytes) - 3);
  const to = Math.min(totalBytes, offset + length + 3);
  const bytes = await read(from, Math.max(from, to));
  const start = charStart(bytes, Math.min(offset, totalBytes) - from);
  const endWanted = Math.min(offset + length, totalBytes) - from;
  const end = endWanted >= bytes.length ? bytes.length : charStart(bytes, endWanted);
  const text = end > start ? bytes.subarray(start, end).toString('utf8') : '';
  return { text, totalBytes, offset: from + start, nextOffset: from + Math.max(start, end) };
}
