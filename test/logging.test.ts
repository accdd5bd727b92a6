import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostLogger } from '../src-main/logging.ts';
import { tempDir } from './helpers/engine-harness.ts';

describe('the host log file', () => {
  it('rotates past its size limit, keeping five old files, every line scoped and redacted', async () => {
    const logsDir = tempDir();
    const logger = createHostLogger({ logsDir, redact: (t) => t.replaceAll('hunter2', '***'), maxBytes: 2000 });
    const scoped = logger.child({ schedule: 'nightly', runId: 'r-1' });
    for (let i = 0; i < 400; i += 1) scoped.info(`line ${i} with password hunter2`, { i });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const files = fs.readdirSync(logsDir).sort();
    expect(files).toEqual(['batchlight.1.log', 'batchlight.2.log', 'batchlight.3.log', 'batchlight.4.log', 'batchlight.5.log', 'batchlight.log']);
    const current = fs.readFileSync(path.join(logsDir, 'batchlight.log'), 'utf8');
    expect(current).toMatch(/\[schedule=nightly runId=r-1\] line 399 with password \*\*\* \{"i":399\}/);
    for (const file of files) expect(fs.readFileSync(path.join(logsDir, file), 'utf8')).not.toContain('hunter2');
  });
});
