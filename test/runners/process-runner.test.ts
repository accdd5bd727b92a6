import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it, expect, beforeEach } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { createProcessRunner } from '../../src-main/engine/runners/process-runner.ts';
import { nodeJob, runContext } from '../fixtures/processes/run-context.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const runner = createProcessRunner({ allowedExecutables: () => [] });
const printArgv = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';

let dir: string;
beforeEach(() => {
  dir = tempDir('batchlight-process-');
});

describe('process runner: output and exit codes', () => {
  it('captures stdout and stderr separately, byte for byte', async () => {
    const ctx = runContext(nodeJob('process.stdout.write("out-1\\nout-2\\n"); process.stderr.write("err-\\u00e9\\n")'));
    const outcome = await runner.run(ctx);
    expect(outcome).toEqual({ ok: true, exitCode: 0 });
    expect(ctx.stdout.text()).toBe('out-1\nout-2\n');
    expect(ctx.stderr.text()).toBe('err-é\n');
  });

  it('reports the pid of the started process', async () => {
    const ctx = runContext(nodeJob('process.stdout.write(String(process.pid))'));
    await runner.run(ctx);
    expect(ctx.pids).toEqual([Number(ctx.stdout.text())]);
  });

  it('fails with the exit code recorded when the code is not a success code', async () => {
    const outcome = await runner.run(runContext(nodeJob('process.exit(3)')));
    expect(outcome).toEqual({ ok: false, exitCode: 3, error: 'Process exited with code 3 (expected 0)' });
  });

  it('succeeds on exit code 3 when successExitCodes is 0..7 (robocopy)', async () => {
    const outcome = await runner.run(runContext(nodeJob('process.exit(3)', [], { successExitCodes: [0, 1, 2, 3, 4, 5, 6, 7] })));
    expect(outcome).toEqual({ ok: true, exitCode: 3 });
  });

  it('lists every expected code when the exit code is not among several', async () => {
    const outcome = await runner.run(runContext(nodeJob('process.exit(8)', [], { successExitCodes: [0, 1] })));
    expect(outcome.error).toBe('Process exited with code 8 (expected one of 0, 1)');
  });

  it('names the signal when the process is killed by one', async () => {
    const outcome = await runner.run(runContext(nodeJob('process.kill(process.pid, "SIGKILL")')));
    expect(outcome).toMatchObject({ ok: false, exitCode: null, error: 'Process was ended by signal SIGKILL' });
  });

  it('has written every byte into a slow sink by the time the run resolves', async () => {
    const received: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        setTimeout(() => {
          received.push(chunk);
          callback();
        }, 1);
      },
    });
    const script = 'for (let i = 0; i < 200; i++) process.stdout.write("line " + i + "\\n")';
    await runner.run(runContext(nodeJob(script), { stdout: slow }));
    const expected = Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join('');
    expect(Buffer.concat(received).toString()).toBe(expected);
  });

  it('fails and stops the process when the output sink breaks', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const ctx = runContext(nodeJob('setInterval(() => process.stdout.write("x".repeat(1000)), 1)'), { stdout: broken });
    const outcome = await createProcessRunner({ allowedExecutables: () => [], killGraceMs: 500 }).run(ctx);
    expect(outcome).toMatchObject({ ok: false, error: 'Could not write the process output: disk full' });
  });

  it('runs a .sh script as is on POSIX', async () => {
    const script = path.join(dir, 'hello.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho "hello $1"\n', { mode: 0o755 });
    const ctx = runContext({ type: 'process', executablePath: script, arguments: ['world'] });
    expect(await runner.run(ctx)).toEqual({ ok: true, exitCode: 0 });
    expect(ctx.stdout.text()).toBe('hello world\n');
  });

  it('gives the process no stdin, so one that reads it sees end of input instead of hanging', async () => {
    const ctx = runContext(nodeJob('process.stdin.on("data", () => {}).on("end", () => process.stdout.write("eof"))'));
    expect(await runner.run(ctx)).toEqual({ ok: true, exitCode: 0 });
    expect(ctx.stdout.text()).toBe('eof');
  });
});

describe('process runner: no shell unless asked', () => {
  const hostile = ['& echo pwned', '| cat', '> out.txt', `"double" 'single'`, '%PATH%', '*'];

  it('passes shell metacharacters verbatim and executes nothing', async () => {
    const marker = path.join(dir, 'marker');
    const args = [...hostile, `; touch ${marker}`, `$(touch ${marker}-2)`, `\`touch ${marker}-3\``];
    const ctx = runContext(nodeJob(printArgv, args, { workingDirectory: dir }));
    expect(await runner.run(ctx)).toEqual({ ok: true, exitCode: 0 });
    expect(JSON.parse(ctx.stdout.text())).toEqual(args);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('shell: true lets the shell interpret the line written in the schedule', async () => {
    const ctx = runContext({ type: 'process', executablePath: 'echo', arguments: ['a', '&&', 'echo', 'b'], shell: true });
    expect(await runner.run(ctx)).toEqual({ ok: true, exitCode: 0 });
    expect(ctx.stdout.text()).toBe('a\nb\n');
  });

  it('shell: true still keeps a substituted parameter value as one literal word', async () => {
    const marker = path.join(dir, 'marker');
    const job = { type: 'process' as const, executablePath: 'echo', arguments: ['{Name}'], shell: true };
    const ctx = runContext(job, { values: { Name: `x; touch ${marker}` } });
    expect(await runner.run(ctx)).toEqual({ ok: true, exitCode: 0 });
    expect(ctx.stdout.text()).toBe(`x; touch ${marker}\n`);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('process runner: placeholders', () => {
  it('substitutes values into arguments, environment, working directory and executable', async () => {
    const script = 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), env: process.env.RUN_DAY, cwd: process.cwd() }))';
    const job = { ...nodeJob(script, ['day={Day}', '{Day}.csv']), executablePath: '{Node}', environment: { RUN_DAY: 'day-{Day}' }, workingDirectory: '{Dir}' };
    const ctx = runContext(job, { values: { Day: '2024-01-02', Dir: dir, Node: process.execPath } });
    expect(await runner.run(ctx)).toEqual({ ok: true, exitCode: 0 });
    expect(JSON.parse(ctx.stdout.text())).toEqual({ argv: ['day=2024-01-02', '2024-01-02.csv'], env: 'day-2024-01-02', cwd: fs.realpathSync(dir) });
  });

  it('passes a value with spaces and quotes as a single argument', async () => {
    const ctx = runContext(nodeJob(printArgv, ['{Title}']), { values: { Title: `it's "a" title & more` } });
    await runner.run(ctx);
    expect(JSON.parse(ctx.stdout.text())).toEqual([`it's "a" title & more`]);
  });

  it('an unknown placeholder fails the run as non-retryable before anything starts', async () => {
    const ctx = runContext(nodeJob(printArgv, ['{Typo}']), { values: { Day: 'x' } });
    const failure = runner.run(ctx);
    await expect(failure).rejects.toThrow(NonRetryableError);
    await expect(failure).rejects.toThrow(/\{Typo\} in arguments\[2\]/);
    expect(ctx.pids).toEqual([]);
  });

  it('merges the job environment over the engine environment', async () => {
    process.env.BATCHLIGHT_TEST_INHERITED = 'inherited';
    try {
      const script = 'process.stdout.write([process.env.BATCHLIGHT_TEST_INHERITED, process.env.JOB_ONLY].join(","))';
      const ctx = runContext(nodeJob(script, [], { environment: { JOB_ONLY: 'job' } }));
      await runner.run(ctx);
      expect(ctx.stdout.text()).toBe('inherited,job');
    } finally {
      delete process.env.BATCHLIGHT_TEST_INHERITED;
    }
  });
});

describe('process runner: refusals before spawning', () => {
  it('a missing working directory fails clearly and starts nothing', async () => {
    const missing = path.join(dir, 'nope');
    const ctx = runContext(nodeJob(printArgv, [], { workingDirectory: missing }));
    expect(await runner.run(ctx)).toEqual({ ok: false, retryable: false, error: `Working directory \`${missing}\` does not exist` });
    expect(ctx.pids).toEqual([]);
  });

  it('a working directory that is a file fails clearly', async () => {
    const file = path.join(dir, 'file.txt');
    fs.writeFileSync(file, '');
    const outcome = await runner.run(runContext(nodeJob(printArgv, [], { workingDirectory: file })));
    expect(outcome.error).toBe(`Working directory \`${file}\` is not a directory`);
  });

  it('a relative working directory resolves against the engine current directory', async () => {
    const relative = path.relative(process.cwd(), dir);
    const ctx = runContext(nodeJob('process.stdout.write(process.cwd())', [], { workingDirectory: relative }));
    await runner.run(ctx);
    expect(ctx.stdout.text()).toBe(fs.realpathSync(dir));
  });

  it('a program not on PATH fails with a clear, non-retryable message', async () => {
    const ctx = runContext({ type: 'process', executablePath: 'batchlight-no-such-program', arguments: [] });
    expect(await runner.run(ctx)).toEqual({
      ok: false,
      retryable: false,
      error: 'Executable `batchlight-no-such-program` was not found (searched PATH)',
    });
    expect(ctx.pids).toEqual([]);
  });

  it('a missing absolute executable path fails with the same message', async () => {
    const missing = path.join(dir, 'missing.exe');
    const outcome = await runner.run(runContext({ type: 'process', executablePath: missing, arguments: [] }));
    expect(outcome.error).toBe(`Executable \`${missing}\` was not found (searched PATH)`);
  });

  it('a file without the execute bit fails as non-retryable', async () => {
    const script = path.join(dir, 'no-exec.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const outcome = await runner.run(runContext({ type: 'process', executablePath: script, arguments: [] }));
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.error).toMatch(/permission denied/);
  });
});

describe('process runner: allowed executables', () => {
  it('refuses an executable outside the list without starting it', async () => {
    const guarded = createProcessRunner({ allowedExecutables: () => ['/usr/bin/true'] });
    const ctx = runContext(nodeJob(printArgv));
    expect(await guarded.run(ctx)).toEqual({
      ok: false,
      retryable: false,
      error: `Executable \`${process.execPath}\` is not in the allowed executables list (settings.allowedExecutables)`,
    });
    expect(ctx.pids).toEqual([]);
  });

  it('accepts an executable whose resolved full path is listed', async () => {
    const guarded = createProcessRunner({ allowedExecutables: () => [process.execPath] });
    expect(await guarded.run(runContext(nodeJob('')))).toEqual({ ok: true, exitCode: 0 });
  });

  it('accepts a bare name found on PATH when its full path is listed', async () => {
    const binDir = path.dirname(process.execPath);
    const guarded = createProcessRunner({ allowedExecutables: () => [path.join(binDir, 'node')] });
    const job = { ...nodeJob(''), executablePath: 'node', environment: { PATH: `${binDir}${path.delimiter}${process.env.PATH}` } };
    expect(await guarded.run(runContext(job))).toEqual({ ok: true, exitCode: 0 });
  });

  it('accepts an executable listed exactly as the schedule spells it', async () => {
    const binDir = path.dirname(process.execPath);
    const guarded = createProcessRunner({ allowedExecutables: () => ['node'] });
    const job = { ...nodeJob(''), executablePath: 'node', environment: { PATH: `${binDir}${path.delimiter}${process.env.PATH}` } };
    expect(await guarded.run(runContext(job))).toEqual({ ok: true, exitCode: 0 });
  });

  it('with shell: true the shell itself must be listed', async () => {
    const job = { type: 'process' as const, executablePath: 'true', arguments: [], shell: true };
    const refusing = createProcessRunner({ allowedExecutables: () => ['true', '/usr/bin/true'] });
    expect((await refusing.run(runContext(job))).error).toBe(
      'Executable `/bin/sh` is not in the allowed executables list (settings.allowedExecutables)',
    );
    const accepting = createProcessRunner({ allowedExecutables: () => ['/bin/sh'] });
    expect(await accepting.run(runContext(job))).toEqual({ ok: true, exitCode: 0 });
  });
});
