import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/engine-harness.ts';
import { cli, cliJson, dataFolder, nodeSchedule, runsJson, seed, startServe, storeView, type ScheduleJson } from './helpers.ts';

describe('batchlight pause / resume while serving', { timeout: 60_000 }, () => {
  it('pause records the following occurrences as skipped (paused); resume makes them run again', async () => {
    const dir = dataFolder();
    await seed(dir, { schedules: [nodeSchedule('tick', '', { cron: '* * * * * *' })] });
    await startServe(dir);
    const view = storeView(dir);
    const cronRuns = () => view.listRuns({ limit: 500 }).filter((r) => r.trigger === 'schedule');
    await waitFor(() => cronRuns().some((r) => r.status === 'succeeded'), 20_000, 'a first cron run');

    expect((await cli(['pause', 'tick', '--data', dir])).code).toBe(0);
    const firstSkip = await waitFor(() => cronRuns().find((r) => r.reason === 'paused'), 20_000, 'an occurrence skipped as paused');
    const later = await waitFor(() => {
      const rows = cronRuns().filter((r) => r.scheduledFor > firstSkip.scheduledFor);
      return rows.length >= 2 ? rows : undefined;
    }, 20_000, 'two more occurrences while paused');
    expect(later.map((r) => [r.status, r.reason])).toEqual(later.map(() => ['skipped', 'paused']));
    expect((await cliJson<ScheduleJson[]>(['list', '--json', '--data', dir]))[0]!.paused).toBe(true);
    const skipped = (await runsJson(dir, '--schedule', 'tick', '--status', 'skipped', '--limit', '500'))
      .filter((r) => Date.parse(r.scheduledFor) >= firstSkip.scheduledFor);
    expect(skipped.length).toBeGreaterThanOrEqual(3);
    expect(skipped.map((r) => [r.trigger, r.reason])).toEqual(skipped.map(() => ['schedule', 'paused']));

    expect((await cli(['resume', 'tick', '--data', dir])).code).toBe(0);
    const lastPaused = Math.max(...cronRuns().filter((r) => r.reason === 'paused').map((r) => r.scheduledFor));
    const resumed = await waitFor(
      () => cronRuns().find((r) => r.status === 'succeeded' && r.scheduledFor > lastPaused),
      20_000,
      'a cron run after resume',
    );
    expect(resumed.reason).toBeNull();
  });
});
