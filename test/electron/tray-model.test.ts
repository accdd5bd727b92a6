import { describe, expect, it } from 'vitest';
import { iconState, tooltip, trayView, TOOLTIP_MAX, type MenuItemSpec, type TraySchedule, type TraySnapshot } from '../../src-main/electron/tray-model.ts';

const NOW = Date.UTC(2026, 10, 23, 1, 0);
const at = (h: number, m: number) => Date.UTC(2026, 10, 23, h, m);

function schedule(name: string, more: Partial<TraySchedule> = {}): TraySchedule {
  return { name, tags: [], enabled: true, paused: false, overlap: 'skip', nextRunAt: null, ...more };
}

function snapshot(more: Partial<TraySnapshot> = {}): TraySnapshot {
  return {
    now: NOW,
    timeZone: 'UTC',
    engine: { serving: true, pausedAll: false, running: 0, queued: 0 },
    schedules: [],
    running: [],
    failures: [],
    failuresSeenAt: 0,
    startAtLogin: false,
    ...more,
  };
}

const running = (id: string, scheduleName: string, startedAt = at(0, 45)) => ({ id, scheduleName, status: 'running' as const, startedAt, finishedAt: null });
const failure = (id: string, scheduleName: string, finishedAt: number, status: 'failed' | 'timed_out' | 'interrupted' = 'failed') => ({
  id,
  scheduleName,
  status,
  startedAt: finishedAt - 1000,
  finishedAt,
});

function item(menu: MenuItemSpec[], label: string | RegExp): MenuItemSpec {
  const found = menu.find((i) => i.type !== 'separator' && (typeof label === 'string' ? i.label === label : label.test(i.label)));
  if (!found) throw new Error(`No menu item ${String(label)} in ${JSON.stringify(menu.map((i) => ('label' in i ? i.label : '—')))}`);
  return found;
}

function submenu(menu: MenuItemSpec[], label: string | RegExp): MenuItemSpec[] {
  const found = item(menu, label);
  if (found.type !== 'submenu') throw new Error(`${String(label)} is not a submenu`);
  return found.submenu;
}

describe('tray icon', () => {
  const cases: Array<[string, Partial<TraySnapshot>, string]> = [
    ['nothing running: idle', {}, 'idle'],
    ['a run in progress: running', { engine: { serving: true, pausedAll: false, running: 1, queued: 0 }, running: [running('r1', 'a')] }, 'running'],
    ['an unseen failure: failure', { failures: [failure('f1', 'a', at(0, 30))] }, 'failure'],
    ['a failure already looked at: idle', { failures: [failure('f1', 'a', at(0, 30))], failuresSeenAt: at(0, 40) }, 'idle'],
    ['paused all: paused', { engine: { serving: true, pausedAll: true, running: 0, queued: 0 } }, 'paused'],
    ['paused all while a run goes on: paused', { engine: { serving: true, pausedAll: true, running: 1, queued: 0 }, running: [running('r1', 'a')] }, 'paused'],
    ['an unseen failure outranks paused and running', { engine: { serving: true, pausedAll: true, running: 1, queued: 0 }, failures: [failure('f1', 'a', at(0, 30))] }, 'failure'],
  ];
  it.each(cases)('%s', (_name, more, expected) => {
    expect(iconState(snapshot(more))).toBe(expected);
  });
});

describe('tray tooltip', () => {
  const cases: Array<[string, Partial<TraySnapshot>, string]> = [
    ['idle with nothing scheduled', {}, 'Batchlight — idle'],
    [
      'running runs and the next occurrence',
      {
        engine: { serving: true, pausedAll: false, running: 2, queued: 0 },
        running: [running('r1', 'a'), running('r2', 'b')],
        schedules: [schedule('invoice-processor', { nextRunAt: at(2, 30) }), schedule('later', { nextRunAt: at(4, 0) })],
      },
      'Batchlight — 2 running, next: invoice-processor 02:30',
    ],
    ['queued runs are counted', { engine: { serving: true, pausedAll: false, running: 0, queued: 3 } }, 'Batchlight — 3 queued'],
    ['unseen failures are counted', { failures: [failure('f1', 'a', at(0, 30)), failure('f2', 'b', at(0, 20))] }, 'Batchlight — 2 failed'],
    [
      'paused and disabled schedules are not "next"',
      { schedules: [schedule('off', { enabled: false, nextRunAt: at(1, 5) }), schedule('held', { paused: true, nextRunAt: at(1, 6) }), schedule('on', { nextRunAt: at(3, 0) })] },
      'Batchlight — next: on 03:00',
    ],
    ['a next run more than a day away shows its date', { schedules: [schedule('monthly', { nextRunAt: Date.UTC(2026, 11, 1, 6, 0) })] }, 'Batchlight — next: monthly 1 Dec 06:00'],
    ['paused all says so and hides "next"', { engine: { serving: true, pausedAll: true, running: 0, queued: 0 }, schedules: [schedule('a', { nextRunAt: at(2, 0) })] }, 'Batchlight — paused'],
    ['a stopped engine says so', { engine: { serving: false, pausedAll: false, running: 0, queued: 0 } }, 'Batchlight — engine stopped'],
  ];
  it.each(cases)('%s', (_name, more, expected) => {
    expect(tooltip(snapshot(more))).toBe(expected);
  });

  it('is cut to what Windows shows, ending in an ellipsis', () => {
    const text = tooltip(snapshot({ schedules: [schedule('x'.repeat(200), { nextRunAt: at(2, 0) })] }));
    expect(text.length).toBe(TOOLTIP_MAX);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('tray menu', () => {
  it('has the status line, then Open, Run now, Running, Recent failures, Pause all, Start at login and Quit', () => {
    const labels = trayView(snapshot()).menu.map((i) => (i.type === 'separator' ? '—' : i.label));
    expect(labels).toEqual(['Idle', '—', 'Open Batchlight', 'Run now', 'Running (0)', 'Recent failures (0)', '—', 'Pause all', 'Start at login', '—', 'Quit']);
    expect(item(trayView(snapshot()).menu, 'Idle')).toMatchObject({ enabled: false });
  });

  it('Run now lists schedules by name when none has a tag', () => {
    const menu = trayView(snapshot({ schedules: [schedule('b'), schedule('a')] })).menu;
    expect(submenu(menu, 'Run now')).toEqual([
      { type: 'normal', label: 'a', enabled: true, action: { kind: 'trigger', schedule: 'a' } },
      { type: 'normal', label: 'b', enabled: true, action: { kind: 'trigger', schedule: 'b' } },
    ]);
  });

  it('Run now groups schedules by tag, a schedule with two tags under both, untagged ones last', () => {
    const menu = trayView(snapshot({ schedules: [schedule('invoices', { tags: ['finance', 'nightly'] }), schedule('backup', { tags: ['nightly'] }), schedule('ping')] })).menu;
    const groups = submenu(menu, 'Run now');
    expect(groups.map((g) => ('label' in g ? g.label : '—'))).toEqual(['finance', 'nightly', 'Untagged']);
    expect(submenu(groups, 'finance').map((i) => ('label' in i ? i.label : ''))).toEqual(['invoices']);
    expect(submenu(groups, 'nightly').map((i) => ('label' in i ? i.label : ''))).toEqual(['backup', 'invoices']);
    expect(submenu(groups, 'Untagged').map((i) => ('label' in i ? i.label : ''))).toEqual(['ping']);
  });

  it('a running skip schedule is shown running and cannot be clicked', () => {
    const menu = trayView(snapshot({ schedules: [schedule('busy', { overlap: 'skip' })], running: [running('r1', 'busy')] })).menu;
    expect(submenu(menu, 'Run now')).toEqual([{ type: 'normal', label: 'busy (running)', enabled: false }]);
  });

  it('a running queue or parallel schedule can still be run now', () => {
    const menu = trayView(snapshot({ schedules: [schedule('q', { overlap: 'queue' }), schedule('p', { overlap: 'parallel' })], running: [running('r1', 'q'), running('r2', 'p')] })).menu;
    expect(submenu(menu, 'Run now').map((i) => i.type === 'normal' && [i.label, i.enabled, i.action?.kind])).toEqual([
      ['p', true, 'trigger'],
      ['q', true, 'trigger'],
    ]);
  });

  it('a disabled schedule can be run now and says it is disabled', () => {
    const menu = trayView(snapshot({ schedules: [schedule('off', { enabled: false })] })).menu;
    expect(submenu(menu, 'Run now')).toEqual([{ type: 'normal', label: 'off (disabled)', enabled: true, action: { kind: 'trigger', schedule: 'off' } }]);
  });

  it('Run now is greyed out when there are no schedules', () => {
    expect(item(trayView(snapshot()).menu, 'Run now')).toMatchObject({ enabled: false });
  });

  it('Running lists each run with its start time, its log and a Cancel item', () => {
    const menu = trayView(snapshot({ engine: { serving: true, pausedAll: false, running: 1, queued: 0 }, running: [running('r1', 'invoices', at(0, 45))] })).menu;
    const runs = submenu(menu, 'Running (1)');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ label: 'invoices (since 00:45)' });
    expect(submenu(runs, 'invoices (since 00:45)')).toEqual([
      { type: 'normal', label: 'Open log', enabled: true, action: { kind: 'openRun', runId: 'r1' } },
      { type: 'normal', label: 'Cancel', enabled: true, action: { kind: 'cancel', runId: 'r1' } },
    ]);
  });

  it('Recent failures lists each failure with what happened and opens its log', () => {
    const menu = trayView(snapshot({ failures: [failure('f1', 'invoices', at(0, 30)), failure('f2', 'backup', at(0, 10), 'timed_out'), failure('f3', 'ping', at(0, 5), 'interrupted')] })).menu;
    expect(submenu(menu, 'Recent failures (3)')).toEqual([
      { type: 'normal', label: 'invoices — failed 00:30', enabled: true, action: { kind: 'openRun', runId: 'f1' } },
      { type: 'normal', label: 'backup — timed out 00:10', enabled: true, action: { kind: 'openRun', runId: 'f2' } },
      { type: 'normal', label: 'ping — interrupted 00:05', enabled: true, action: { kind: 'openRun', runId: 'f3' } },
    ]);
  });

  it('Recent failures shows at most ten', () => {
    const failures = Array.from({ length: 14 }, (_, i) => failure(`f${i}`, `s${i}`, at(0, 30) - i * 60_000));
    expect(submenu(trayView(snapshot({ failures })).menu, 'Recent failures (14)')).toHaveLength(10);
  });

  it.each([
    [false, 'Pause all', true],
    [true, 'Resume all', false],
  ])('paused all = %s: the menu offers "%s"', (pausedAll, label, paused) => {
    const menu = trayView(snapshot({ engine: { serving: true, pausedAll, running: 0, queued: 0 } })).menu;
    expect(item(menu, label)).toEqual({ type: 'normal', label, enabled: true, action: { kind: 'pauseAll', paused } });
  });

  it.each([false, true])('Start at login is a checkbox showing %s and clicking it flips it', (startAtLogin) => {
    expect(item(trayView(snapshot({ startAtLogin })).menu, 'Start at login')).toEqual({
      type: 'checkbox',
      label: 'Start at login',
      checked: startAtLogin,
      action: { kind: 'startAtLogin', enabled: !startAtLogin },
    });
  });

  it('the status line repeats the tooltip', () => {
    const menu = trayView(snapshot({ engine: { serving: true, pausedAll: false, running: 2, queued: 0 }, schedules: [schedule('a', { nextRunAt: at(2, 0) })] })).menu;
    expect(menu[0]).toEqual({ type: 'normal', label: '2 running, next: a 02:00', enabled: false });
  });
});
