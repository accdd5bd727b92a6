import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/engine-harness.ts';
import { cli, cliJson, dataFolder, ISO_UTC, nodeSchedule, RUN_FIELDS, runsJson, seed, storeView, type RunJson, type ScheduleJson } from './helpers.ts';

const SCHEDULES = [
  nodeSchedule('greets', "console.log('hello from the job'); console.error('a warning line')"),
  nodeSchedule('fails', 'process.exit(3)'),
];

const setUp = (dir: string, schedules: unknown[] = SCHEDULES) => seed(dir, { schedules });

function expectDocumentedRun(run: RunJson): void {
  for (const field of RUN_FIELDS) expect(run).toHaveProperty(field);
  expect(run.scheduledFor).toMatch(ISO_UTC);
  expect(run.startedAt).toMatch(ISO_UTC);
  expect(run.finishedAt).toMatch(ISO_UTC);
  expect(typeof run.lateMs).toBe('number');
}

describe('batchlight trigger without a serving engine (in-process)', { timeout: 60_000 }, () => {
  it('trigger --wait --json exits 0 for a succeeding job and prints the run in the documented shape', async () => {
    const dir = dataFolder();
    await setUp(dir);
    const result = await cli(['trigger', 'greets', '--wait', '--json', '--data', dir]);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as RunJson;
    expectDocumentedRun(run);
    expect(run).toMatchObject({ schedule: 'greets', status: 'succeeded', trigger: 'manual', attempt: 0, exitCode: 0, error: null });
  });

  it('trigger --wait --json exits 1 for a failing job and prints the failed run', async () => {
    const dir = dataFolder();
    await setUp(dir);
    const result = await cli(['trigger', 'fails', '--wait', '--json', '--data', dir]);
    expect(result.code).toBe(1);
    const run = JSON.parse(result.stdout) as RunJson;
    expectDocumentedRun(run);
    expect(run).toMatchObject({ schedule: 'fails', status: 'failed', exitCode: 3 });
    expect(run.error).toMatch(/code 3/);
  });

  it('a --param Name=Value override reaches the process instead of the stored value', async () => {
    const dir = dataFolder();
    const out = path.join(dir, 'who.txt');
    await setUp(dir, [
      nodeSchedule('writes-who', "require('fs').writeFileSync(process.argv[1], process.argv[2])", {
        parameters: [{ name: 'Who', type: 'string', value: 'stored' }],
      }, [out, '{Who}']),
    ]);
    const result = await cli(['trigger', 'writes-who', '--wait', '--json', '--param', 'Who=from the cli', '--data', dir]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe('from the cli');
  });

  it('--param-stdin NAME takes a secret value from standard input; it is redacted from the output and sealed in the run row', async () => {
    const dir = dataFolder();
    const out = path.join(dir, 'pin.txt');
    const pin = 'piped-pin-5e7c0a';
    await setUp(dir, [
      nodeSchedule('uses-pin', "require('fs').writeFileSync(process.argv[1], process.argv[2]); console.log('pin ' + process.argv[2])", {
        parameters: [{ name: 'Pin', type: 'string', value: 'stored-pin-0000', secret: true }, { name: 'Who', type: 'string', value: 'nobody' }],
      }, [out, '{Pin}']),
    ]);
    const result = await cli(['trigger', 'uses-pin', '--wait', '--json', '--param', 'Who=ops', '--param-stdin', 'Pin', '--data', dir], 20_000, `${pin}\r\n`);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(pin);
    const id = (JSON.parse(result.stdout) as RunJson).id;
    const shown = await cli(['show', id, '--output', '--data', dir]);
    expect(shown.stdout).toContain('pin ***');
    expect(shown.stdout).not.toContain(pin);
    const store = storeView(dir);
    expect(store.getRun(id).parameterOverrides).toEqual({ Who: 'ops', Pin: pin });
    const row = store.store.db.prepare('SELECT parameter_overrides FROM runs WHERE id = ?').get(id) as { parameter_overrides: string };
    expect(row.parameter_overrides).not.toContain(pin);
  });

  it('--param-stdin with empty input, for a name also given with --param, or naming no parameter of the schedule runs nothing', async () => {
    const dir = dataFolder();
    await setUp(dir);
    const runsNow = async () => (await cli(['runs', '--json', '--data', dir])).stdout;
    const empty = await cli(['trigger', 'greets', '--param-stdin', 'Pin', '--data', dir], 20_000, '\n');
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('--param-stdin: standard input was empty; nothing was run')]);
    const twice = await cli(['trigger', 'greets', '--param', 'Pin=a', '--param-stdin', 'Pin', '--data', dir], 20_000, 'b');
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('Give Pin with --param or with --param-stdin, not both')]);
    const unknown = await cli(['trigger', 'greets', '--param-stdin', 'Pin', '--data', dir], 20_000, 'secret-value');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("parameters.Pin: Schedule 'greets' has no parameter 'Pin' (it has none); a run-now value may also replace");
    expect(unknown.stderr).not.toContain('secret-value');
    expect(JSON.parse(await runsNow())).toEqual([]);
  });

  it('trigger of an unknown schedule exits 1 with a one-line reason naming it', async () => {
    const dir = dataFolder();
    await setUp(dir);
    const result = await cli(['trigger', 'no-such-job', '--wait', '--data', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/no-such-job/);
  });
});

describe('batchlight runs and show', { timeout: 60_000 }, () => {
  let dir: string;
  const ids: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-cli-runs-'));
    await setUp(dir);
    for (const name of ['greets', 'fails', 'greets']) {
      const result = await cli(['trigger', name, '--wait', '--json', '--data', dir]);
      ids.push((JSON.parse(result.stdout) as RunJson).id);
    }
  }, 60_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs --json is an array of documented run objects, newest first', async () => {
    const runs = await runsJson(dir);
    expect(runs.map((r) => r.id)).toEqual([...ids].reverse());
    for (const run of runs) expectDocumentedRun(run);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'failed', 'succeeded']);
  });

  it('runs --schedule NAME lists only that schedule\'s runs', async () => {
    const runs = await runsJson(dir, '--schedule', 'greets');
    expect(runs.map((r) => r.id)).toEqual([ids[2], ids[0]]);
  });

  it('runs --status S lists only runs with that status', async () => {
    const runs = await runsJson(dir, '--status', 'failed');
    expect(runs.map((r) => [r.id, r.status])).toEqual([[ids[1], 'failed']]);
  });

  it('runs --limit N keeps the newest N', async () => {
    const runs = await runsJson(dir, '--limit', '2');
    expect(runs.map((r) => r.id)).toEqual([ids[2], ids[1]]);
  });

  it('runs --status bogus is a usage error (exit 2) naming the flag and the value', async () => {
    const result = await cli(['runs', '--status', 'bogus', '--data', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--status/);
    expect(result.stderr).toMatch(/bogus/);
  });

  it('list --json shows each schedule\'s last run status', async () => {
    const list = await cliJson<ScheduleJson[]>(['list', '--json', '--data', dir]);
    expect(list.map((s) => [s.name, s.lastStatus])).toEqual([['fails', 'failed'], ['greets', 'succeeded']]);
  });

  it('show RUN_ID --output prints the run\'s stdout and stderr', async () => {
    const result = await cli(['show', ids[0]!, '--output', '--data', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(ids[0]);
    expect(result.stdout).toMatch(/----- stdout[^\n]*\nhello from the job/);
    expect(result.stdout).toMatch(/----- stderr[^\n]*\na warning line/);
  });

  it('show of an unknown run id exits 1 with a one-line reason', async () => {
    const result = await cli(['show', 'not-a-run-id', '--data', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not-a-run-id/);
  });
});

describe('batchlight runs (empty store)', { timeout: 60_000 }, () => {
  it('runs --json on a fresh data folder is an empty array', async () => {
    expect(await cliJson<RunJson[]>(['runs', '--json', '--data', dataFolder()])).toEqual([]);
  });
});

describe('batchlight trigger while another trigger holds the folder', { timeout: 60_000 }, () => {
  it('a second in-process trigger is not stranded: it runs its job once the first one lets go', async () => {
    const dir = dataFolder();
    const started = path.join(dir, 'started');
    const release = path.join(dir, 'release');
    await setUp(dir, [
      nodeSchedule('gated', [
        "const fs = require('fs');",
        'fs.writeFileSync(process.argv[1], "");',
        'setInterval(() => { if (fs.existsSync(process.argv[2])) process.exit(0); }, 50);',
        'setTimeout(() => process.exit(1), 30000);',
      ].join('\n'), {}, [started, release]),
      nodeSchedule('quick', ''),
    ]);
    const first = cli(['trigger', 'gated', '--wait', '--json', '--data', dir]);
    await waitFor(() => fs.existsSync(started), 20_000, 'the first trigger\'s job to start');
    const second = cli(['trigger', 'quick', '--wait', '--json', '--data', dir]);
    const view = storeView(dir);
    await waitFor(() => view.listRuns({ statuses: ['queued'] }).length > 0, 20_000, 'the second run to be queued');
    fs.writeFileSync(release, '');
    const [a, b] = await Promise.all([first, second]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect((JSON.parse(b.stdout) as RunJson)).toMatchObject({ schedule: 'quick', status: 'succeeded' });
  });
});
