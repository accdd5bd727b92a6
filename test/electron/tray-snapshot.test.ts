import { describe, expect, it } from 'vitest';
import { trayView } from '../../src-main/electron/tray-model.ts';
import { readTraySnapshot } from '../../src-main/electron/tray-snapshot.ts';
import { makeEngine, nodeJob, scheduleSpec, waitFor, waitForEnd } from '../helpers/engine-harness.ts';

describe('tray snapshot from a real engine', () => {
  it('shows a running run, a fresh failure, and schedules grouped by tag', async () => {
    const engine = makeEngine({ notifications: false });
    engine.saveSchedule(scheduleSpec({ name: 'slow', tags: ['nightly'], job: nodeJob('setInterval(() => {}, 1000)') }));
    engine.saveSchedule(scheduleSpec({ name: 'broken', job: nodeJob('process.exit(2)') }));
    await engine.start({ scheduling: false });

    const slow = engine.trigger('slow');
    await waitForEnd(engine, engine.trigger('broken').id);
    await waitFor(() => engine.getRun(slow.id).status === 'running', 15_000, 'slow to start');

    const view = trayView(readTraySnapshot(engine, { failuresSeenAt: 0, startAtLogin: false, timeZone: 'UTC' }));
    expect(view.icon).toBe('failure');
    expect(view.tooltip).toBe('Batchlight — 1 running, 1 failed, next: broken 1 Jan 00:00');
    const labels = (label: string) => {
      const menu = view.menu.find((i) => i.type === 'submenu' && i.label === label);
      return menu?.type === 'submenu' ? menu.submenu.map((i) => (i.type === 'separator' ? '—' : i.label)) : [];
    };
    expect(labels('Running (1)')).toEqual([expect.stringMatching(/^slow \(since \d\d:\d\d\)$/)]);
    expect(labels('Recent failures (1)')).toEqual([expect.stringMatching(/^broken — failed \d\d:\d\d$/)]);
    expect(labels('Run now')).toEqual(['nightly', 'Untagged']);

    engine.cancel(slow.id, 'test');
    await waitForEnd(engine, slow.id);
  });

  it('once failures have been looked at, the icon goes back to idle', async () => {
    const engine = makeEngine({ notifications: false });
    engine.saveSchedule(scheduleSpec({ name: 'broken', job: nodeJob('process.exit(2)') }));
    await engine.start({ scheduling: false });
    await waitForEnd(engine, engine.trigger('broken').id);
    const seen = engine.clock.now();
    expect(trayView(readTraySnapshot(engine, { failuresSeenAt: seen, startAtLogin: true })).icon).toBe('idle');
  });
});
