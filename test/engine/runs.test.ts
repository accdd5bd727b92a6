import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputPath } from '../../src-main/engine/store/output-files.ts';
import { isDead, makeEngine, nodeJob, scheduleSpec, tempDir, waitFor, waitForEnd } from '../helpers/engine-harness.ts';

describe('runs through the engine with real processes', () => {
  it('run now: a process schedule succeeds and its stdout and stderr are kept apart', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'hello', job: nodeJob("console.log('to out'); console.error('to err')") }));
    const queued = engine.trigger('hello', { triggeredBy: 'tester' });
    const run = await waitForEnd(engine, queued.id);
    expect(run).toMatchObject({ status: 'succeeded', exitCode: 0, trigger: 'manual', triggeredBy: 'tester', attempt: 0 });
    expect(run.stdoutTail).toContain('to out');
    expect(run.stderrTail).toContain('to err');
    expect(run.stdoutTail).not.toContain('to err');
    expect((await engine.readOutput(run.id, 'stdout')).text).toBe('to out\n');
    expect((await engine.readOutput(run.id, 'stderr')).text).toBe('to err\n');
    expect(run.startedAt! - run.scheduledFor).toBeGreaterThanOrEqual(0);
  });

  it('a run printing one line leaves no output file; its output is read from the run row', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'short', job: nodeJob("console.log('one line')") }));
    const run = await waitForEnd(engine, engine.trigger('short').id);
    expect(fs.existsSync(outputPath(engine.store.paths.runs, run.id, 'stdout'))).toBe(false);
    expect(await engine.readOutput(run.id, 'stdout', { offset: 4 })).toMatchObject({ text: 'line\n', totalBytes: 9 });
  });

  it('a run printing more than 4 KB keeps all of it in its output file', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'long', job: nodeJob("process.stdout.write('y'.repeat(10000) + '\\nend\\n')") }));
    const run = await waitForEnd(engine, engine.trigger('long').id);
    expect(fs.readFileSync(outputPath(engine.store.paths.runs, run.id, 'stdout'), 'utf8')).toBe(`${'y'.repeat(10000)}\nend\n`);
    expect((await engine.readOutput(run.id, 'stdout')).totalBytes).toBe(10005);
  });

  it('a non-zero exit fails the run with the exit code and says what was expected', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'fails', job: nodeJob('process.exit(3)') }));
    const run = await waitForEnd(engine, engine.trigger('fails').id);
    expect(run.status).toBe('failed');
    expect(run.exitCode).toBe(3);
    expect(run.error).toMatch(/code 3/);
  });

  it('a failed run is retried as attempt+1 with trigger retry until it succeeds', async () => {
    const dir = tempDir();
    const counter = path.join(dir, 'count');
    const script = `const fs=require('fs');const f=process.argv[1];const n=fs.existsSync(f)?+fs.readFileSync(f,'utf8'):0;fs.writeFileSync(f,String(n+1));process.exit(n<2?1:0)`;
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({
      name: 'flaky',
      job: { ...nodeJob(script), arguments: ['-e', script, counter] },
      retry: { maxRetries: 3, delaySeconds: 0, multiplier: 2, jitter: 0, maxDelaySeconds: 10 },
    }));
    const first = engine.trigger('flaky');
    const last = await engine.waitForChain(first.id, 20);
    const chain = engine.listRuns({ chainId: first.chainId }).sort((a, b) => a.attempt - b.attempt);
    expect(chain.map((r) => [r.attempt, r.trigger, r.status])).toEqual([
      [0, 'manual', 'failed'],
      [1, 'retry', 'failed'],
      [2, 'retry', 'succeeded'],
    ]);
    expect(last.status).toBe('succeeded');
  });

  it('when retries are used up the last failure says so and no further run is queued', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({
      name: 'always-fails',
      job: nodeJob('process.exit(2)'),
      retry: { maxRetries: 1, delaySeconds: 0, multiplier: 1, jitter: 0, maxDelaySeconds: 0 },
    }));
    const first = engine.trigger('always-fails');
    const last = await engine.waitForChain(first.id, 20);
    expect(last.attempt).toBe(1);
    expect(last.errorDetail).toMatch(/all 1 retries used/);
    expect(engine.listRuns({ statuses: ['queued'] })).toHaveLength(0);
  });

  it('timeout ends the run as timed_out and kills the whole tree, grandchildren included', async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, 'pids.json');
    const script = [
      "const { spawn } = require('child_process');",
      "const g = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], { stdio: 'ignore' });",
      "require('fs').writeFileSync(process.argv[1], JSON.stringify({ child: process.pid, grandchild: g.pid }));",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'hangs', job: { ...nodeJob(script), arguments: ['-e', script, pidFile] }, timeoutSeconds: 1 }));
    const run = await waitForEnd(engine, engine.trigger('hangs').id, 20_000);
    expect(run.status).toBe('timed_out');
    expect(run.error).toMatch(/timed out after 1 s/);
    const pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as { child: number; grandchild: number };
    await waitFor(() => isDead(pids.child) && isDead(pids.grandchild), 10_000, 'the process tree to end');
  });

  it('a timeout given with "run now" applies to that run only', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'slow', job: nodeJob('setTimeout(()=>{}, 30000)'), timeoutSeconds: 600 }));
    const run = await waitForEnd(engine, engine.trigger('slow', { timeoutSeconds: 1 }).id, 20_000);
    expect(run.status).toBe('timed_out');
    expect(engine.getSchedule('slow').timeoutSeconds).toBe(600);
  });

  it('cancelling a running run ends it as cancelled and ends its process', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'long', job: nodeJob('setInterval(()=>{}, 1000)') }));
    const queued = engine.trigger('long');
    const running = await waitFor(() => {
      const r = engine.getRun(queued.id);
      return r.status === 'running' && r.pid ? r : undefined;
    });
    engine.cancel(queued.id, 'tester');
    const run = await waitForEnd(engine, queued.id);
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatch(/cancelled by tester/i);
    await waitFor(() => isDead(running.pid!), 10_000, 'the process to end');
    expect(engine.listRuns({ statuses: ['queued'] })).toHaveLength(0);
  });

  it('a queued run can be cancelled before it starts', async () => {
    const engine = makeEngine();
    engine.saveSchedule(scheduleSpec({ name: 'later', job: nodeJob('0') }));
    const queued = engine.trigger('later');
    const run = engine.cancel(queued.id, 'tester');
    expect(run.status).toBe('cancelled');
    expect(run.startedAt).toBeNull();
  });

  it('an unknown placeholder fails the run without a retry and names the placeholder', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({
      name: 'typo',
      job: nodeJob('0', { arguments: ['-e', '0', '{CurentDate}'] }),
      retry: { maxRetries: 3, delaySeconds: 0, multiplier: 1, jitter: 0, maxDelaySeconds: 0 },
    }));
    const run = await waitForEnd(engine, engine.trigger('typo').id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/Unknown placeholder \{CurentDate\} in arguments\[2\]/);
    expect(engine.listRuns({ chainId: run.chainId })).toHaveLength(1);
  });

  it('built-in values, schedule parameters and run-now overrides reach the process arguments', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({
      name: 'params',
      job: nodeJob('console.log(process.argv.slice(1).join("|"))', {
        arguments: ['-e', 'console.log(process.argv.slice(1).join("|"))', '{ScheduleName}', '{Attempt}', '{AccountId}', '{Region}', '{CurrentDate:yyyy}'],
      }),
      parameters: [
        { name: 'AccountId', type: 'int', value: '12345' },
        { name: 'Region', type: 'string', value: 'eu' },
      ],
    }));
    const run = await waitForEnd(engine, engine.trigger('params', { parameters: { Region: 'us & more' } }).id);
    expect(run.status).toBe('succeeded');
    expect(run.stdoutTail?.trim()).toBe(`params|0|12345|us & more|${new Date().getUTCFullYear()}`);
  });

  it('a run-now date replaces the built-in everywhere, parameters built from it included; a name the schedule lacks, or RunId, is refused and nothing runs', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({
      name: 'dated',
      job: nodeJob('', { arguments: ['-e', 'console.log(process.argv.slice(1).join(" "))', '{CurrentDate}', '{FileDate}', '{Label}'] }),
      parameters: [
        { name: 'Region', type: 'string', value: 'eu' },
        { name: 'FileDate', type: 'string', value: 'sales-{CurrentDate:yyyyMMdd}.csv' },
        { name: 'Label', type: 'string', value: '{Region}-{FileDate}' },
      ],
    }));
    expect(() => engine.trigger('dated', { parameters: { Regoin: 'us' } })).toThrow(/parameters\.Regoin: Schedule 'dated' has no parameter 'Regoin' \(its parameters are Region, FileDate, Label\); a run-now value may also replace CurrentDate, CurrentDateTime, ScheduledTime/);
    expect(() => engine.trigger('dated', { parameters: { RunId: 'mine' } })).toThrow(/parameters\.RunId: 'RunId' is set by the engine for each run/);
    expect(engine.listRuns()).toEqual([]);
    const rerun = await waitForEnd(engine, engine.trigger('dated', { parameters: { CurrentDate: '2026-01-31', Region: 'us' } }).id);
    expect(rerun.stdoutTail?.trim()).toBe('2026-01-31 sales-20260131.csv us-sales-20260131.csv');
  });

  it('a run-now date is shown like the built-in it replaces: in the schedule`s zone, with its default format', async () => {
    const engine = makeEngine();
    await engine.start();
    engine.saveSchedule(scheduleSpec({
      name: 'chicago',
      timezone: 'America/Chicago',
      job: nodeJob('', { arguments: ['-e', 'console.log(process.argv.slice(1).join(" "))', '{CurrentDate}', '{CurrentDate:o}', '{ScheduledTime}'] }),
    }));
    const run = await waitForEnd(engine, engine.trigger('chicago', { parameters: { CurrentDate: '2026-01-31', ScheduledTime: '2026-01-31T02:30' } }).id);
    expect(run.stdoutTail?.trim()).toBe('2026-01-31 2026-01-31T00:00:00.000-06:00 2026-01-31T02:30:00.000-06:00');
  });

  it('a run-now value that does not fit its type is refused before anything runs, a secret one without showing it', async () => {
    const engine = makeEngine();
    engine.saveSchedule(scheduleSpec({
      name: 'typed',
      job: nodeJob('', { arguments: ['-e', '', '{CurrentDate:yyyyMMdd}', '{Batch}', '{Pin}'] }),
      parameters: [{ name: 'Batch', type: 'int', value: '7' }, { name: 'Pin', type: 'int', value: '1234', secret: true }],
    }));
    expect(() => engine.trigger('typed', { parameters: { CurrentDate: '5', Batch: 'seven', Pin: 'x-9f8e' } })).toThrow([
      'parameters.CurrentDate: Expected `CurrentDate` to be a date such as 2026-01-31, or a date and time such as 2026-01-31T14:30:00 with or without an offset (Z, +01:00, +0100 or +01), got `5`',
      'parameters.Batch: Expected `Batch` to be an integer from -2147483648 to 2147483647, got `seven`',
      'parameters.Pin: Expected `Pin` to be an integer from -2147483648 to 2147483647, got a hidden value',
    ].join('\n'));
    expect(() => engine.trigger('typed', { parameters: { CurrentDate: '2026-02-30' } })).toThrow(/parameters\.CurrentDate: Expected `CurrentDate` to be a date/);
    expect(engine.listRuns()).toEqual([]);
  });

  it('the heartbeat of a running run is refreshed', async () => {
    const engine = makeEngine();
    engine.store.settings.set('heartbeatSeconds', 1);
    await engine.start();
    engine.saveSchedule(scheduleSpec({ name: 'beats', job: nodeJob('setTimeout(()=>{}, 3500)') }));
    const queued = engine.trigger('beats');
    const started = await waitFor(() => engine.getRun(queued.id).startedAt ?? undefined);
    await waitFor(() => (engine.getRun(queued.id).heartbeatAt ?? 0) >= started + 1000, 10_000, 'a heartbeat');
    await waitForEnd(engine, queued.id);
  });
});
