/**
 * What the SQL tests share: a RunContext the engine would build for a SQL job (collecting
 * sinks, a silent logger), and a SQL job normalised by the real schedule validator.
 */
import { Writable } from 'node:stream';
import { silentLogger } from '../../src-main/engine/logger.ts';
import type { TemplateValues } from '../../src-main/engine/params/template.ts';
import type { RunContext } from '../../src-main/engine/runners/runner.ts';
import type { Run, SqlJob } from '../../src-main/engine/types.ts';
import { scheduleSpec } from '../helpers/engine-harness.ts';

/** A sink that keeps what is written to it. */
export class TextSink extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** A SQL job as the validator normalises it (maxRows default and all). */
export function sqlJob(fields: Record<string, unknown>): SqlJob {
  return scheduleSpec({ name: 'sql-test', job: { type: 'sql', connection: 'pg', ...fields } }).job as SqlJob;
}

export interface SqlTestContext extends RunContext<SqlJob> {
  stdout: TextSink;
  stderr: TextSink;
}

/** The context the engine would hand the SQL runner. */
export function sqlContext(job: SqlJob, options: { values?: TemplateValues; signal?: AbortSignal; redact?: (t: string) => string } = {}): SqlTestContext {
  const stdout = new TextSink();
  const stderr = new TextSink();
  return {
    run: { id: 'run-1', scheduleId: 'schedule-1', scheduleName: 'sql-test' } as Run,
    job,
    values: options.values ?? {},
    signal: options.signal ?? new AbortController().signal,
    output: { stdout, stderr },
    logger: silentLogger,
    redact: options.redact ?? ((text) => text),
    stdout,
    stderr,
  };
}
