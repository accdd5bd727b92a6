import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src-main/engine/types.ts';
import { makeEngine, scheduleSpec, tempDir, waitForEnd } from '../helpers/engine-harness.ts';
import { cli } from './helpers.ts';

/** 30 lines of 500 bytes (15,000 with newlines): more than the 4 KB a run keeps in its row. */
const PRINT = 'for i in $(seq 1 30); do printf "line %02d %0491d\\n" "$i" 0; done';
const LINE_BYTES = 500;
/** Makes the run's stdout file /dev/full (Linux): it opens, and every write fails with ENOSPC. */
const FULL_DISK = 'd="$1/runs/$(printf %s "$2" | cut -c1-2 | tr A-Z a-z)"; mkdir -p "$d"; ln -s /dev/full "$d/$2.stdout.log"; ';

/** Runs `script` (sh, `$1` the data folder, `$2` the run id) once in an engine on `dataDir`; returns the ended run. */
async function runOnce(dataDir: string, script: string, beforeRun: () => void = () => {}): Promise<Run> {
  const engine = makeEngine({ dataDir });
  await engine.start();
  engine.saveSchedule(scheduleSpec({
    name: 'chatty',
    job: { type: 'process', executablePath: '/bin/sh', arguments: ['-c', script, 'sh', dataDir, '{RunId}'] },
  }));
  beforeRun();
  const run = await waitForEnd(engine, engine.trigger('chatty').id);
  await engine.stop({ graceMs: 0 });
  return run;
}

describe('a run whose output cannot be written (disk full)', { timeout: 60_000 }, () => {
  it('keeps the job\'s own status, says in errorDetail how much output was kept, and keeps the last 4 KB in the run', async () => {
    const dataDir = tempDir();
    const runs = path.join(dataDir, 'runs');
    // A file where the runs folder should be: no output file can be created (also as root).
    const run = await runOnce(dataDir, PRINT, () => {
      fs.rmSync(runs, { recursive: true });
      fs.writeFileSync(runs, '');
    });
    expect(run.status).toBe('succeeded');
    expect(run.error).toBeNull();
    expect(run.errorDetail).toMatch(
      new RegExp(`^Output incomplete \\(stdout\\): Cannot keep run output in ${runs}/.+\\.stdout\\.log: \\w+: .+; 0 of 15000 bytes kept in its file, and the last 4096 in the run$`),
    );
    expect(run.stdoutTail).toHaveLength(4096);
    expect(run.stdoutTail).toMatch(/line 30 0+\n$/);
  });

  it('output that fits in the run but reached its file after a second is marked incomplete when the file could not be written', async () => {
    const dataDir = tempDir();
    // 100 bytes, then 1.5 s: the stream goes to its file after a second, and that write fails.
    const run = await runOnce(dataDir, `${FULL_DISK}printf '%099d\\n' 0; sleep 1.5`);
    expect(run.status).toBe('succeeded');
    expect(run.errorDetail).toMatch(/^Output incomplete \(stdout\): .*ENOSPC.*; 0 of 100 bytes kept in its file, and the last 100 in the run$/);
    expect(run.stdoutTail).toBe(`${'0'.repeat(99)}\n`);
  });

  it('show --output marks the stream incomplete and prints the last 4 KB the run kept', async () => {
    const dataDir = tempDir();
    const run = await runOnce(dataDir, FULL_DISK + PRINT);
    expect(run.status).toBe('succeeded');
    expect(run.errorDetail).toContain('ENOSPC');

    const shown = await cli(['show', run.id, '--output', '--data', dataDir]);
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines).toContain('----- stdout (0 bytes; INCOMPLETE: the rest could not be written, see errorDetail) -----');
    expect(lines.find((line) => line.startsWith('errorDetail'))).toMatch(/Output incomplete \(stdout\): .*ENOSPC/);
    const tailHeader = lines.indexOf('----- stdout: its last 4096 bytes, kept in the run -----');
    expect(tailHeader).toBeGreaterThan(0);
    expect(lines.slice(tailHeader + 1).filter((line) => line.length === LINE_BYTES - 1).at(-1)).toMatch(/^line 30 /);
    expect(lines).toContain('----- stderr (0 bytes) -----');
  });
});
