import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, waitFor } from '../helpers/engine-harness.ts';
import {
  cli,
  cliJson,
  dataFolder,
  killProcessGroup,
  LONG_JOB_SCRIPT,
  nodeSchedule,
  readJobPids,
  runsJson,
  seed,
  startServe,
  storeView,
  type RunJson,
  writeScheduleFile,
} from './helpers.ts';

describe('batchlight serve: one engine per folder, changes from other processes', { timeout: 60_000 }, () => {
  it('a second serve on the same folder exits non-zero naming the serving engine\'s pid', async () => {
    const dir = dataFolder();
    const server = await startServe(dir);
    const second = await cli(['serve', '--data', dir]);
    expect(second.code).not.toBe(0);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`already serving.*pid ${server.pid}\\b`));
  });

  it('a schedule imported while serving runs on its cron within a few seconds, without a restart', async () => {
    const dir = dataFolder();
    await startServe(dir);
    const file = writeScheduleFile(dir, { schedules: [nodeSchedule('every-second', '', { cron: '* * * * * *' })] });
    const imported = await cli(['import', file, '--data', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    const view = storeView(dir);
    await waitFor(() => view.listRuns({ statuses: ['succeeded'] }).length > 0, 20_000, 'a cron run of the imported schedule');
    const runs = await runsJson(dir, '--schedule', 'every-second');
    expect(runs.find((r) => r.trigger === 'schedule' && r.status === 'succeeded')).toBeDefined();
  });

  it('trigger --wait goes through the serving engine (the job is its child) and exits 0', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('parent-pid', 'console.log(`ppid=${process.ppid}`)')] });
    const server = await startServe(dir);
    const result = await cli(['trigger', 'parent-pid', '--wait', '--json', '--data', dir]);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as RunJson;
    expect(run.status).toBe('succeeded');
    const shown = await cli(['show', run.id, '--output', '--data', dir]);
    expect(shown.stdout).toContain(`ppid=${server.pid}`);
  });

  it('trigger --wait through the serving engine exits 1 when the job fails', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('fails', 'process.exit(4)')] });
    await startServe(dir);
    const result = await cli(['trigger', 'fails', '--wait', '--json', '--data', dir]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed', exitCode: 4 });
  });

  it('trigger without --wait while serving hands the run to the serving engine, which runs it', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('quick', '')] });
    const server = await startServe(dir);
    const result = await cli(['trigger', 'quick', '--json', '--data', dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`pid ${server.pid}`);
    const handed = JSON.parse(result.stdout) as RunJson;
    const view = storeView(dir);
    await waitFor(() => view.getRun(handed.id).status === 'succeeded', 20_000, `run ${handed.id} to succeed`);
  });

  it('SIGINT (Ctrl+C) stops serve with exit 0 and frees the folder for the next serve', async () => {
    const dir = dataFolder();
    const first = await startServe(dir);
    process.kill(first.pid, 'SIGINT');
    expect(await first.exited).toEqual({ code: 0, signal: undefined });
    const second = await startServe(dir);
    expect(second.output()).toContain(`(pid ${second.pid})`);
  });

  it('after serve is killed outright, the next serve starts and records the run it left as interrupted', async () => {
    const dir = dataFolder();
    const pidFile = path.join(dir, 'job-pids.json');
    await seed(dir, { schedules: [nodeSchedule('long', LONG_JOB_SCRIPT, {}, [pidFile])] });
    const crashed = await startServe(dir);
    const started = await cliJson<RunJson>(['trigger', 'long', '--json', '--data', dir]);
    const pids = await waitFor(() => readJobPids(pidFile), 20_000, 'the job to write its pids');
    // SIGKILL gives serve no chance to end the job's group; end it here whatever happens next.
    onCleanup(() => killProcessGroup(pids.pid));
    process.kill(crashed.pid, 'SIGKILL');
    await crashed.exited;
    await startServe(dir);
    const run = await cliJson<RunJson>(['show', started.id, '--json', '--data', dir]);
    expect(run.status).toBe('interrupted');
  });
});
