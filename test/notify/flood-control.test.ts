/**
 * Flood control: at most one email per schedule and event per 10 minutes; what is held back is
 * stored as suppressed and summed up in the next email. The notifier's clock starts at 02:10 UTC
 * and the test moves it forward; the engine and the processes run on real time.
 */
import { describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src-main/engine/clock.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import { notificationsOf } from '../../src-main/engine/notify/history.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { waitForEnd } from '../helpers/engine-harness.ts';
import { notifyingEngine, saveNodeSchedule, smtpSettings, startSmtp } from './notify-harness.ts';

const MINUTE = 60_000;

/** A wall clock that reads 02:10 UTC when the test starts and can be moved forward. */
function movableClock(): Clock & { forward(ms: number): void } {
  const origin = Date.parse('2026-05-04T02:10:00Z') - Date.now();
  let offset = 0;
  return { ...systemClock, now: () => Date.now() + origin + offset, forward: (ms) => (offset += ms) };
}

async function failOnce(engine: Engine, name: string): Promise<Run> {
  return waitForEnd(engine, engine.trigger(name).id);
}

const notify = { email: { to: ['ops@corp.test'] } };

describe('flood control', () => {
  it('failures of one schedule within 10 minutes send one email; the others are stored as suppressed', async () => {
    const smtp = await startSmtp();
    const clock = movableClock();
    const setup = await notifyingEngine(smtpSettings(smtp.port), { clock });
    saveNodeSchedule(setup.engine, 'flappy', 'process.exit(1)', { notify });

    const runs: Run[] = [];
    for (let i = 0; i < 3; i += 1) {
      runs.push(await failOnce(setup.engine, 'flappy'));
      await setup.notifier.flush();
      clock.forward(4 * MINUTE);
    }

    expect(smtp.messages).toHaveLength(1);
    expect(runs.map((r) => notificationsOf(setup.engine.store, r.id).map((n) => n.status))).toEqual([['sent'], ['suppressed'], ['suppressed']]);
  });

  it('the first email after the window sums up what was held back: "and 2 more failures since 02:10"', async () => {
    const smtp = await startSmtp();
    const clock = movableClock();
    const setup = await notifyingEngine(smtpSettings(smtp.port), { clock });
    saveNodeSchedule(setup.engine, 'flappy', 'process.exit(1)', { notify });

    for (let i = 0; i < 3; i += 1) await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();
    clock.forward(11 * MINUTE);
    await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();

    expect(smtp.messages.map((m) => m.subject)).toEqual([
      '[Batchlight] FAILED flappy on HOST (attempt 1/1)',
      '[Batchlight] FAILED flappy on HOST (attempt 1/1) — and 2 more failures since 02:10',
    ]);
    expect(smtp.messages[1]!.text).toContain('And 2 more failures since 02:10 (held back by flood control).');
    expect(smtp.messages[1]!.html).toContain('And 2 more failures since 02:10 (held back by flood control).');
  });

  it('held-back failures are summed up only once', async () => {
    const smtp = await startSmtp();
    const clock = movableClock();
    const setup = await notifyingEngine(smtpSettings(smtp.port), { clock });
    saveNodeSchedule(setup.engine, 'flappy', 'process.exit(1)', { notify });

    await failOnce(setup.engine, 'flappy');
    await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();
    clock.forward(11 * MINUTE);
    await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();
    clock.forward(11 * MINUTE);
    await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();

    expect(smtp.messages.map((m) => m.subject.replace(/.*\(attempt 1\/1\)/, ''))).toEqual(['', ' — and 1 more failure since 02:10', '']);
  });

  it('another schedule failing in the same minutes is mailed: flood control is per schedule', async () => {
    const smtp = await startSmtp();
    const setup = await notifyingEngine(smtpSettings(smtp.port), { clock: movableClock() });
    saveNodeSchedule(setup.engine, 'first', 'process.exit(1)', { notify });
    saveNodeSchedule(setup.engine, 'second', 'process.exit(1)', { notify });

    await failOnce(setup.engine, 'first');
    await failOnce(setup.engine, 'second');
    await setup.notifier.flush();

    expect(smtp.messages.map((m) => m.subject).sort()).toEqual([
      '[Batchlight] FAILED first on HOST (attempt 1/1)',
      '[Batchlight] FAILED second on HOST (attempt 1/1)',
    ]);
  });

  it('flood control survives a restart: the window is read from the stored notifications', async () => {
    const smtp = await startSmtp();
    const setup = await notifyingEngine(smtpSettings(smtp.port), { clock: movableClock() });
    saveNodeSchedule(setup.engine, 'flappy', 'process.exit(1)', { notify });

    await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();
    await setup.restartNotifier();
    const after = await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();

    expect(smtp.messages).toHaveLength(1);
    expect(notificationsOf(setup.engine.store, after.id)).toMatchObject([{ status: 'suppressed', attempts: 0 }]);
  });

  it('the window is a setting: notifyFloodMinutes 0 sends every failure', async () => {
    const smtp = await startSmtp();
    const setup = await notifyingEngine(smtpSettings(smtp.port), { clock: movableClock() });
    setup.engine.store.settings.set('notifyFloodMinutes', 0);
    saveNodeSchedule(setup.engine, 'flappy', 'process.exit(1)', { notify });

    for (let i = 0; i < 3; i += 1) await failOnce(setup.engine, 'flappy');
    await setup.notifier.flush();

    expect(smtp.messages).toHaveLength(3);
  });
});
