import { Writable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { createProcessRunner } from '../../src-main/engine/runners/process-runner.ts';
import { nodeJob, runContext } from '../fixtures/processes/run-context.ts';

const MB = 1024 * 1024;

/** Writes `megabytes` MB of 'a' to stdout in 1 MB chunks, respecting backpressure. */
const writeMegabytes = (megabytes: number) => `
  const chunk = Buffer.alloc(${MB}, 97);
  let left = ${megabytes};
  const pump = () => {
    while (left > 0) {
      left--;
      if (!process.stdout.write(chunk)) return process.stdout.once('drain', pump);
    }
  };
  pump();`;

describe('process runner: large output', () => {
  it('streams 200 MB through without holding it in memory', async () => {
    let bytes = 0;
    const counting = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback();
      },
    });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const outcome = await createProcessRunner({ allowedExecutables: () => [] }).run(
        runContext(nodeJob(writeMegabytes(200)), { stdout: counting }),
      );
      expect(outcome).toEqual({ ok: true, exitCode: 0 });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(bytes).toBe(200 * MB);
    expect((peak - baseline) / MB).toBeLessThan(150);
  });
});
