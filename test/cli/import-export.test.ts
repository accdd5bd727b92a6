import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, dataFolder, ISO_UTC, nodeSchedule, type ScheduleJson, seed, storeView, writeScheduleFile } from './helpers.ts';

const TOKEN = 'tok-e2e-bearer-5f1c';
const DB_PASSWORD = 'pw-e2e-conn-9a7d';
const PARAM_SECRET = 'param-e2e-secret-3b2e';

/** A file with one of each secret kind: a bearer token, a connection string, a secret parameter. */
function secretsFile(outFile: string) {
  return {
    schedules: [
      {
        name: 'call-api',
        cron: '0 0 1 1 *',
        timezone: 'UTC',
        job: { type: 'http', url: 'https://example.com/hook', auth: { type: 'bearer', token: TOKEN } },
      },
      nodeSchedule('write-secret', "require('fs').writeFileSync(process.argv[1], process.argv[2])", {
        parameters: [{ name: 'Pwd', type: 'string', value: PARAM_SECRET, secret: true }],
      }, [outFile, '{Pwd}']),
    ],
    connections: [{ name: 'warehouse', type: 'sqlserver', connectionString: `Server=db1;User Id=etl;Password=${DB_PASSWORD}` }],
  };
}

async function importOk(dataDir: string, file: string, ...flags: string[]) {
  const result = await cli(['import', file, '--data', dataDir, ...flags]);
  if (result.code !== 0) throw new Error(`import failed (${result.code}): ${result.stderr}`);
  return result;
}

const listJson = (dataDir: string) => cliJson<ScheduleJson[]>(['list', '--json', '--data', dataDir]);

describe('batchlight import / list / export', { timeout: 60_000 }, () => {
  it('import then list --json shows the imported schedules with their next run', async () => {
    const dir = dataFolder();
    const file = writeScheduleFile(dir, { schedules: [nodeSchedule('alpha', ''), nodeSchedule('beta', '', { cron: '0 3 * * *' })] });
    const imported = await importOk(dir, file);
    expect(imported.stdout).toMatch(/2 created/);
    const list = await listJson(dir);
    expect(list.map((s) => [s.name, s.cron, s.paused, s.lastStatus])).toEqual([
      ['alpha', '0 0 1 1 *', false, null],
      ['beta', '0 3 * * *', false, null],
    ]);
    expect(list[1]!.nextRunAt).toMatch(ISO_UTC);
  });

  it('a schedule naming a connection or webhook that neither the file nor the folder holds is imported with a warning for each', async () => {
    const dir = dataFolder();
    const orphan = {
      name: 'orphan',
      cron: '0 0 1 1 *',
      job: { type: 'sql', connection: 'missing-db', procedure: 'dbo.Nightly' },
      parameters: [{ name: 'Day', type: 'date', query: { connection: 'missing-too', sql: 'SELECT 1' } }],
      notify: { webhook: { target: 'no-hook' } },
    };
    const first = await importOk(dir, writeScheduleFile(dir, { schedules: [orphan] }, 'orphan.json'));
    expect(first.stdout).toMatch(/1 created/);
    expect(first.stderr.trim().split('\n')).toEqual([
      `warning: schedules[0] "orphan" › job.connection: No connection named 'missing-db' in the file or the data folder: runs fail until one is added`,
      `warning: schedules[0] "orphan" › parameters[0].query.connection: No connection named 'missing-too' in the file or the data folder: runs fail until one is added`,
      `warning: schedules[0] "orphan" › notify.webhook.target: No webhook named 'no-hook' in the settings: these notifications fail until one is added`,
    ]);
    const complete = await importOk(dir, writeScheduleFile(dir, {
      schedules: [orphan],
      connections: ['missing-db', 'missing-too'].map((name) => ({ name, type: 'postgres', connectionString: 'postgres://u:p@127.0.0.1:1/x' })),
      settings: { webhooks: [{ name: 'no-hook', url: 'https://hooks.example.com/x' }] },
    }, 'complete.json'));
    expect(complete.stdout).toMatch(/1 updated/);
    expect(complete.stderr).toBe('');
  });

  it('an invalid file is refused with exit 1 and the store stays exactly as it was', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('alpha', '')] });
    const view = storeView(dir);
    const storedBefore = view.exportFile();
    const listBefore = await listJson(dir);
    const bad = writeScheduleFile(dir, {
      schedules: [nodeSchedule('alpha', '', { cron: '0 5 * * *' }), nodeSchedule('gamma', ''), nodeSchedule('broken', '', { cron: 'every day' })],
      settings: { graceSeconds: 7 },
    }, 'bad.json');
    const result = await cli(['import', bad, '--data', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"broken" › cron/);
    expect(result.stderr).toMatch(/nothing was changed/);
    expect(await listJson(dir)).toEqual(listBefore);
    expect(view.exportFile()).toEqual(storedBefore);
  });

  it('a file that only fails while being applied (<secret> with nothing stored) changes nothing either', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('alpha', '')] });
    const listBefore = await listJson(dir);
    const file = writeScheduleFile(dir, {
      schedules: [
        nodeSchedule('alpha', '', { cron: '0 5 * * *' }),
        { name: 'new-api', cron: '0 0 1 1 *', timezone: 'UTC', job: { type: 'http', url: 'https://example.com', auth: { type: 'bearer', token: '<secret>' } } },
      ],
    }, 'placeholder.json');
    const result = await cli(['import', file, '--data', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/new-api.*job\.auth\.token/);
    expect(await listJson(dir)).toEqual(listBefore);
  });

  it('import --replace removes the schedules that are not in the file', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('alpha', ''), nodeSchedule('beta', '')] });
    const result = await importOk(dir, writeScheduleFile(dir, { schedules: [nodeSchedule('beta', ''), nodeSchedule('gamma', '')] }, 'second.json'), '--replace');
    expect(result.stdout).toMatch(/1 created, 1 updated, 1 removed/);
    expect((await listJson(dir)).map((s) => s.name)).toEqual(['beta', 'gamma']);
  });

  it('import without --replace keeps the schedules that are not in the file', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('alpha', '')] });
    await importOk(dir, writeScheduleFile(dir, { schedules: [nodeSchedule('beta', '')] }));
    expect((await listJson(dir)).map((s) => s.name)).toEqual(['alpha', 'beta']);
  });

  it('export leaves out the bearer token, the connection string and the secret parameter, showing <secret>', async () => {
    const dir = dataFolder();
    await seed(dir, secretsFile(path.join(dir, 'out.txt')));
    const result = await cli(['export', '--data', dir]);
    expect(result.code).toBe(0);
    for (const secret of [TOKEN, DB_PASSWORD, PARAM_SECRET]) expect(result.stdout).not.toContain(secret);
    const exported = JSON.parse(result.stdout);
    expect(exported.schedules.find((s: { name: string }) => s.name === 'call-api').job.auth.token).toBe('<secret>');
    expect(exported.schedules.find((s: { name: string }) => s.name === 'write-secret').parameters[0].value).toBe('<secret>');
    expect(exported.connections[0].connectionString).toBe('<secret>');
  });

  it('export FILE, edit, import round-trips: the edit applies and the stored secrets are kept', async () => {
    const dir = dataFolder();
    const outFile = path.join(dir, 'out.txt');
    await seed(dir, secretsFile(outFile));
    const exportPath = path.join(dir, 'exported.json');
    expect((await cli(['export', exportPath, '--data', dir])).code).toBe(0);
    const edited = JSON.parse(fs.readFileSync(exportPath, 'utf8'));
    for (const s of edited.schedules) s.description = `edited ${s.name}`;
    edited.schedules.find((s: { name: string }) => s.name === 'call-api').cron = '15 4 * * *';
    fs.writeFileSync(exportPath, JSON.stringify(edited, null, 2));

    await importOk(dir, exportPath);

    const run = await cliJson<{ status: string }>(['trigger', 'write-secret', '--wait', '--json', '--data', dir]);
    expect(run.status).toBe('succeeded');
    expect(fs.readFileSync(outFile, 'utf8')).toBe(PARAM_SECRET);
    const store = storeView(dir).store;
    const api = store.schedules.getByName('call-api')!;
    expect(api.cron).toBe('15 4 * * *');
    expect(api.description).toBe('edited call-api');
    expect(api.job).toMatchObject({ auth: { type: 'bearer', token: TOKEN } });
    expect(store.connections.get('warehouse')!.connectionString).toContain(`Password=${DB_PASSWORD}`);
  });
});
