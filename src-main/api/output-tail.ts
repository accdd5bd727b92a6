/**
 * Live output for the UIs: while a run of this engine is running, its output files are read
 * from where the last read stopped every ~300 ms and each new piece is handed to `emit` as a
 * `run.output` event. A run that has ended is read to its end once more, then forgotten.
 * Runs already running when the tail starts are followed from their current end (a UI reads
 * what came before with readOutput and uses `offset` to join the two).
 */
import type { Engine } from '../engine/engine.ts';
import { toError } from '../engine/errors.ts';
import type { BatchlightEvents } from './contract.ts';

type Stream = 'stdout' | 'stderr';

/** The engine to follow, where new output goes, and the polling pace. */
export interface OutputTailOptions {
  engine: Pick<Engine, 'events' | 'readOutput' | 'listRuns' | 'logger'>;
  emit: (payload: BatchlightEvents['run.output']) => void;
  /** How often to look for new output, ms (default 300). */
  pollMs?: number;
  /** Bytes per read (default 64 KiB); at most 4 reads per stream and poll. */
  chunkBytes?: number;
}

interface Followed {
  offsets: Record<Stream, number>;
  ended: boolean;
}

const STREAMS: Stream[] = ['stdout', 'stderr'];
const READS_PER_POLL = 4;

/** Follows running runs' output until `close()`. */
export function createOutputTail(options: OutputTailOptions): { close(): void } {
  const { engine, emit } = options;
  const pollMs = options.pollMs ?? 300;
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const runs = new Map<string, Followed>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const follow = (id: string, offsets: Record<Stream, number> = { stdout: 0, stderr: 0 }) => {
    if (!runs.has(id)) runs.set(id, { offsets, ended: false });
    arm();
  };

  const arm = () => {
    if (!timer && !closed && runs.size > 0) timer = setTimeout(poll, pollMs);
  };

  /** Reads new output of one stream; true when it has read everything there is. */
  const drain = async (id: string, run: Followed, stream: Stream): Promise<boolean> => {
    for (let i = 0; i < READS_PER_POLL; i += 1) {
      const chunk = await engine.readOutput(id, stream, { offset: run.offsets[stream], length: chunkBytes });
      if (chunk.text !== '' && !closed) emit({ id, stream, text: chunk.text, offset: chunk.offset });
      run.offsets[stream] = chunk.nextOffset;
      if (chunk.nextOffset >= chunk.totalBytes || chunk.nextOffset === chunk.offset) return true;
    }
    return false;
  };

  const poll = async () => {
    for (const [id, run] of [...runs]) {
      try {
        const ended = run.ended;
        const done = await Promise.all(STREAMS.map((stream) => drain(id, run, stream)));
        if (ended && done.every(Boolean)) runs.delete(id);
      } catch (error) {
        engine.logger.warn(`Cannot read the output of run ${id}`, { error: toError(error).message });
        runs.delete(id);
      }
    }
    timer = undefined;
    arm();
  };

  const unsubscribe = [
    engine.events.on('run.started', (run) => follow(run.id)),
    engine.events.on('run.finished', (run) => {
      const followed = runs.get(run.id);
      if (followed) followed.ended = true;
    }),
  ];

  for (const run of engine.listRuns({ statuses: ['running'], limit: 1000 })) {
    Promise.all(STREAMS.map((stream) => engine.readOutput(run.id, stream, { offset: 0, length: 1 }))).then(
      ([out, err]) => follow(run.id, { stdout: out?.totalBytes ?? 0, stderr: err?.totalBytes ?? 0 }),
      () => {},
    );
  }

  return {
    close() {
      closed = true;
      for (const off of unsubscribe) off();
      if (timer) clearTimeout(timer);
      runs.clear();
    },
  };
}
