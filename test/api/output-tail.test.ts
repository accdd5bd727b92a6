import { describe, expect, it } from 'vitest';
import type { BatchlightEvents } from '../../src-main/api/contract.ts';
import { createOutputTail } from '../../src-main/api/output-tail.ts';
import { makeEngine, nodeJob, onCleanup, scheduleSpec, waitFor, waitForEnd } from '../helpers/engine-harness.ts';

type OutputEvent = BatchlightEvents['run.output'];

async function startedEngine() {
  const engine = makeEngine({ notifications: false });
  await engine.start();
  return engine;
}

function collect(engine: ReturnType<typeof makeEngine>, chunkBytes?: number) {
  const received: OutputEvent[] = [];
  const tail = createOutputTail({ engine, emit: (e) => received.push(e), pollMs: 30, chunkBytes });
  onCleanup(() => tail.close());
  return received;
}

describe('live output tail', () => {
  it('delivers a large output completely and in order, in pieces that join by offset', async () => {
    const engine = await startedEngine();
    const received = collect(engine, 4096);
    // No braces: `{i}` in a job's arguments would be a placeholder.
    const script = 'for (let i = 0; i < 3000; i++) process.stdout.write("line " + i + " ünïcødé\\n"); process.stderr.write("warn\\n")';
    engine.saveSchedule(scheduleSpec({ name: 'chatty', job: nodeJob(script) }));
    const run = engine.trigger('chatty');
    await waitForEnd(engine, run.id);
    const expected = Array.from({ length: 3000 }, (_, i) => `line ${i} ünïcødé\n`).join('');
    const stdout = () => received.filter((e) => e.id === run.id && e.stream === 'stdout');
    await waitFor(() => stdout().map((e) => e.text).join('') === expected, 10_000, 'the whole stdout');
    let offset = 0;
    for (const event of stdout()) {
      expect(event.offset).toBe(offset);
      offset += Buffer.byteLength(event.text);
    }
    await waitFor(() => received.find((e) => e.stream === 'stderr' && e.text === 'warn\n'), 5_000, 'stderr');
  });

  it('follows a run that was already running from its current end', async () => {
    const engine = await startedEngine();
    // A short output reaches the file (where the tail reads from) 1 s after its first byte.
    const script = 'console.log("before"); process.stdin.resume(); setTimeout(() => { console.log("after"); process.exit(0) }, 2000)';
    engine.saveSchedule(scheduleSpec({ name: 'midway', job: nodeJob(script) }));
    const run = engine.trigger('midway');
    let before = '';
    await waitFor(() => {
      void engine.readOutput(run.id, 'stdout').then((chunk) => (before = chunk.text));
      return before.includes('before');
    }, 10_000, 'the first line');
    const received = collect(engine);
    await waitForEnd(engine, run.id);
    await waitFor(() => received.some((e) => e.text.includes('after')), 5_000, 'the later line');
    expect(received.map((e) => e.text).join('')).not.toContain('before');
  });
});
