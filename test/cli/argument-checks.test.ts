/**
 * The CLI's promise about bad arguments: a clear error naming the argument, exit 2, and nothing
 * opened, run or changed. The invocations of one test run side by side (each costs a second).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, dataFolder, FIXTURES, nodeSchedule, seed, storeView, writeScheduleFile } from './helpers.ts';

const fixture = (name: string) => path.join(FIXTURES, name);

/** The first line of stderr: the reason, before the usage hint. */
const reason = (stderr: string) => stderr.split('\n')[0];

describe('command-line arguments are checked before anything is done', { timeout: 60_000 }, () => {
  it('extra positional arguments are refused with exit 2, naming them, and nothing is checked or changed', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('a', ''), nodeSchedule('b', ''), nodeSchedule('c', '')] });
    const newFile = writeScheduleFile(dataFolder(), { schedules: [nodeSchedule('new-one', '')] }, 'new.json');

    const [validate, imported, paused, configured] = await Promise.all([
      cli(['validate', fixture('valid-schedules.json'), fixture('invalid-schedules.json')]),
      cli(['import', newFile, 'second.json', '--data', dir]),
      cli(['pause', 'a', 'b', 'c', '--data', dir]),
      cli(['config', 'set', 'concurrency', '5', 'extra', '--data', dir]),
    ]);

    expect(validate.code).toBe(2);
    expect(reason(validate.stderr)).toContain('invalid-schedules.json');
    expect(validate.stdout).not.toMatch(/is valid/);
    expect(imported.code).toBe(2);
    expect(reason(imported.stderr)).toContain('`second.json`');
    expect(paused.code).toBe(2);
    expect(reason(paused.stderr)).toContain('`b` `c`');
    expect(configured.code).toBe(2);
    expect(reason(configured.stderr)).toContain('`extra`');
    const view = storeView(dir);
    expect(view.listSchedules().map((s) => [s.schedule.name, s.schedule.paused])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
    ]);
    expect(view.store.settings.get('concurrency')).toBeUndefined();
  });

  it('a number flag takes plain digits within its range; otherwise exit 2 naming the flag, the value and the range', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('job', '')] });
    const notCreated = path.join(dataFolder(), 'not-created');

    const count = (value: string) => cli(['next', '0 * * * *', '--count', value]);
    const [hex, exponent, spaced, tooMany, timeout, limit, fifty] = await Promise.all([
      count('0x3'),
      count('1e3'),
      count(' 3'),
      count('51'),
      cli(['trigger', 'job', '--timeout', '99999999999999999999', '--data', dir]),
      cli(['runs', '--limit', '501', '--data', notCreated]),
      cli(['next', '0 * * * *', '--tz', 'UTC', '--count', '50', '--json']),
    ]);

    for (const [result, value] of [[hex, '0x3'], [exponent, '1e3'], [spaced, ' 3'], [tooMany, '51']] as const) {
      expect(result.code).toBe(2);
      expect(reason(result.stderr)).toBe(`batchlight next: Expected --count to be a whole number from 1 to 50, got \`${value}\``);
    }
    expect(timeout.code).toBe(2);
    expect(reason(timeout.stderr)).toMatch(/--timeout .*from 1 to 2592000, got `99999999999999999999`/);
    expect(storeView(dir).listRuns({})).toEqual([]);
    expect(limit.code).toBe(2);
    expect(reason(limit.stderr)).toMatch(/--limit .*from 1 to 500, got `501`/);
    expect(fs.existsSync(notCreated)).toBe(false);
    expect(fifty.code).toBe(0);
    expect(JSON.parse(fifty.stdout)).toHaveLength(50);
  });

  it('next --from takes only ISO-8601 dates and times; `5` or 2026-02-31 is exit 2 naming --from', async () => {
    const next = (from: string) => cli(['next', '0 * * * *', '--tz', 'UTC', '--count', '1', '--json', '--from', from]);

    const [five, words, feb31, date, offset] = await Promise.all([
      next('5'),
      next('Jan 31 2026'),
      next('2026-02-31'),
      next('2026-01-31'),
      next('2026-01-31T02:30:15+01:00'),
    ]);

    for (const [result, value] of [[five, '5'], [words, 'Jan 31 2026'], [feb31, '2026-02-31']] as const) {
      expect(result.code).toBe(2);
      expect(reason(result.stderr)).toMatch(new RegExp(`--from to be an ISO-8601 .*got \`${value}\``));
    }
    expect(JSON.parse(date.stdout)).toEqual(['2026-01-31T01:00:00.000Z']);
    expect(JSON.parse(offset.stdout)).toEqual(['2026-01-31T02:00:00.000Z']);
  });

  it('trigger --param with the same name twice is exit 2 naming it, and nothing runs', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('greets', '', { parameters: [{ name: 'Who', type: 'string', value: 'all' }] })] });

    const result = await cli(['trigger', 'greets', '--wait', '--param', 'Who=first', '--param', 'Who=second', '--data', dir]);

    expect(result.code).toBe(2);
    expect(reason(result.stderr)).toMatch(/--param Who was given more than once/);
    expect(storeView(dir).listRuns({})).toEqual([]);
  });

  it('config refuses __proto__, constructor and prototype in a key, naming the key, and saves nothing', async () => {
    const dir = dataFolder();

    const [proto, constructor, prototype] = await Promise.all([
      cli(['config', 'set', 'allowedExecutables.__proto__.x', '1', '--data', dir]),
      cli(['config', 'get', 'smtp.constructor', '--data', dir]),
      cli(['config', 'set', 'notify.prototype', '1', '--data', dir]),
    ]);

    for (const [result, key] of [[proto, 'allowedExecutables.__proto__.x'], [constructor, 'smtp.constructor'], [prototype, 'notify.prototype']] as const) {
      expect(result.code).toBe(2);
      expect(reason(result.stderr)).toMatch(new RegExp(`\`${key}\`: .* is not a setting field`));
    }
    const settings = storeView(dir).store.settings;
    expect(settings.get('allowedExecutables')).toBeUndefined();
    expect(settings.get('notify')).toBeUndefined();
  });

  it('a flag given twice, or one the command does not take, is exit 2 naming it, and nothing runs', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('job', '')] });

    const [data, timeout, listWait, runsReplace] = await Promise.all([
      cli(['list', '--data', dir, '--data', dataFolder()]),
      cli(['trigger', 'job', '--timeout', '1', '--timeout', '100', '--data', dir]),
      cli(['list', '--wait', '--data', dir]),
      cli(['runs', '--replace', '--data', dir]),
    ]);

    expect(data.code).toBe(2);
    expect(reason(data.stderr)).toMatch(/--data was given more than once/);
    expect(timeout.code).toBe(2);
    expect(reason(timeout.stderr)).toMatch(/--timeout was given more than once/);
    expect(storeView(dir).listRuns({})).toEqual([]);
    expect(listWait.code).toBe(2);
    expect(reason(listWait.stderr)).toMatch(/`list` does not take --wait/);
    expect(runsReplace.code).toBe(2);
    expect(reason(runsReplace.stderr)).toMatch(/`runs` does not take --replace/);
  });

  it('a --data folder that does not exist is refused by a command that only reads, and not created; import creates it', async () => {
    const parent = dataFolder();
    const typo = path.join(parent, 'no-such', 'folder');
    const file = writeScheduleFile(dataFolder(), { schedules: [nodeSchedule('first', '')] }, 'first.json');
    const [listed, shown, setting] = await Promise.all([cli(['list', '--data', typo]), cli(['runs', '--json', '--data', typo]), cli(['config', 'get', 'concurrency', '--data', typo])]);
    for (const result of [listed, shown, setting]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`No Batchlight data folder at ${typo}: check --data (serve, import and config set create one)`);
    }
    expect(fs.existsSync(path.join(parent, 'no-such'))).toBe(false);
    const imported = await cli(['import', file, '--data', typo]);
    expect(imported.code).toBe(0);
    expect(storeView(typo).listSchedules().map((s) => s.schedule.name)).toEqual(['first']);
  });
});

