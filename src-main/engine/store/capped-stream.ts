/**
 * One output stream of a run (see output-files.ts for the rule): cap, 4 KB tail, optional
 * line-buffered redaction, and the output held in memory until it "spills" to its file, when it
 * outgrows the tail or has been open for a second.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { toError } from '../errors.ts';
import { charCut, charStart, completeEnd } from './utf8-bounds.ts';

/** Bytes of each stream kept for the run row. */
const TAIL_BYTES = 4096;
const SPILL_AFTER_MS = 1000;
const LINE_HOLD_CHARS = 64 * 1024;

/** One stream of a run; `writable` is what the runner writes to. */
export class CappedStream {
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
  /** Kept bytes not in the file yet: all of them until the stream spills. */
  private memory: Buffer[] = [];
  private readonly memoryLimit: number;
  /** Started at the first byte: once it fires the stream spills even if its output is small. */
  private timer: NodeJS.Timeout | undefined;
  private late = false;
  /** Every step (write, timed spill, close) runs after the previous one, so bytes never reorder. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly filePath: string,
    private readonly cap: number,
    private readonly redact?: (text: string) => string,
  ) {
    this.memoryLimit = Math.min(TAIL_BYTES, cap);
    // Errors are recorded, never passed to the stream: an errored stream would unpipe the child's
    // stdout and leave the child blocked on a full pipe. While a write is in flight the Writable
    // buffers further chunks and hands them all to `writev`, which writes them as one.
    this.writable = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.receive(chunk, done);
      },
      writev: (chunks, done) => {
        this.receive(Buffer.concat(chunks.map(({ chunk }) => chunk as Buffer)), done);
      },
      final: (done) => {
        clearTimeout(this.timer);
        void this.queue(() => this.finish()).then(() => done());
      },
    });
  }

  async close(): Promise<void> {
    // Also when the runner destroyed the stream (no `final`): no file may appear after the run.
    clearTimeout(this.timer);
    if (!this.writable.writableEnded) this.writable.end();
    await finished(this.writable);
    if (this.failure) throw this.failure;
  }

  tail(): string {
    const start = charStart(this.tailBytes, 0);
    return this.tailBytes.subarray(start, completeEnd(this.tailBytes)).toString('utf8');
  }

  private receive(chunk: Buffer, done: () => void): void {
    if (chunk.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.late = true;
        void this.queue(() => (this.memory.length > 0 ? this.spill() : Promise.resolve()));
      }, SPILL_AFTER_MS);
      // A stream left open by a runner must not keep the process alive.
      this.timer.unref();
    }
    void this.queue(() => this.take(chunk)).then(() => done());
  }

  /** Runs `step` after every step queued before it; its error is recorded, not thrown. */
  private queue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((error: unknown) => this.fail(error));
    return this.chain;
  }

  private fail(error: unknown): void {
    const cause = toError(error);
    this.failure ??= new Error(`Cannot keep run output in ${this.filePath}: ${cause.message}`, { cause });
  }

  private async take(chunk: Buffer): Promise<void> {
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
        await this.store(Buffer.from(note, 'utf8'));
      } else if (!this.file && this.memory.length > 0 && !this.tailHoldsAll()) {
        await this.spill();
      }
    } finally {
      await this.file?.close();
    }
  }

  /**
   * Whether the tail gives back exactly the bytes held: not so for output that is not UTF-8
   * (a runner writing raw bytes without a redactor), which then keeps its file.
   */
  private tailHoldsAll(): boolean {
    return Buffer.from(this.tail(), 'utf8').equals(Buffer.concat(this.memory));
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
    if (take > 0) this.lastKept = bytes[take - 1] ?? 0x0a;
    await this.store(bytes.subarray(0, take));
  }

  /** Holds `bytes` in memory while the output is small and young, else writes them to the file. */
  private async store(bytes: Buffer): Promise<void> {
    if (this.failure) return;
    if (this.file) {
      if (bytes.length > 0) await this.file.write(bytes);
      return;
    }
    if (bytes.length > 0) this.memory.push(bytes);
    if (this.late || this.total > this.memoryLimit) await this.spill();
  }

  /** Creates the file and writes what was held in memory; from now on output goes to the file. */
  private async spill(): Promise<void> {
    if (this.file || this.failure) return;
    await mkdir(path.dirname(this.filePath), { recursive: true });
    this.file = await open(this.filePath, 'w', 0o600);
    const held = Buffer.concat(this.memory);
    this.memory = [];
    if (held.length > 0) await this.file.write(held);
  }
}

function formatBytes(n: number): string {
  const units: Array<[number, string]> = [[1024 ** 3, 'GB'], [1024 ** 2, 'MB'], [1024, 'KB']];
  for (const [size, unit] of units) {
    if (n >= size) return `${Number((n / size).toFixed(1))} ${unit}`;
  }
  return `${n} bytes`;
}
