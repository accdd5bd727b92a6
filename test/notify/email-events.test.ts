/**
 * Email notifications through the whole engine: real child processes fail, succeed, run long or
 * overlap, and a real SMTP server on loopback (authentication required) receives the messages.
 */
import { describe, expect, it } from 'vitest';
import { notificationsOf } from '../../src-main/engine/notify/history.ts';
import { waitFor, waitForEnd } from '../helpers/engine-harness.ts';
import { notifyingEngine, saveNodeSchedule, smtpSettings, startSmtp } from './notify-harness.ts';

const FAIL = 'process.exit(1)';
const OK = 'process.exit(0)';
const noRetryDelay = { maxRetries: 2, delaySeconds: 0 };

describe('email notifications for each event', () => {
  it('retries_exhausted: one email after the last of 3 attempts fails, and none for the attempts before', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'invoice-processor', FAIL, { retry: noRetryDelay, notify: { email: { to: ['ops@corp.test'] } } });

    const last = await engine.waitForChain(engine.trigger('invoice-processor').id, 20);
    await notifier.flush();

    expect(last).toMatchObject({ attempt: 2, status: 'failed' });
    expect(smtp.messages.map((m) => m.subject)).toEqual(['[Batchlight] FAILED invoice-processor on HOST (attempt 3/3)']);
    expect(notificationsOf(engine.store, last.id)).toMatchObject([
      { channel: 'email', target: 'ops@corp.test', event: 'retries_exhausted', status: 'sent', attempts: 1, error: null },
    ]);
  });

  it('retries_exhausted also applies to a schedule without retries: its only failure is the final one', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'once', FAIL, { notify: { email: { to: ['ops@corp.test'] } } });

    await waitForEnd(engine, engine.trigger('once').id);
    await notifier.flush();

    expect(smtp.messages.map((m) => m.subject)).toEqual(['[Batchlight] FAILED once on HOST (attempt 1/1)']);
  });

  it('failure: every failed attempt is mailed, saying whether a retry follows', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    engine.store.settings.set('notifyFloodMinutes', 0);
    saveNodeSchedule(engine, 'flaky', FAIL, { retry: noRetryDelay, notify: { email: { to: ['ops@corp.test'], on: ['failure'] } } });

    await engine.waitForChain(engine.trigger('flaky').id, 20);
    await notifier.flush();

    expect(smtp.messages.map((m) => m.subject)).toEqual([
      '[Batchlight] FAILED flaky on HOST (attempt 1/3, will retry)',
      '[Batchlight] FAILED flaky on HOST (attempt 2/3, will retry)',
      '[Batchlight] FAILED flaky on HOST (attempt 3/3)',
    ]);
  });

  it('success: a succeeded run is mailed to a schedule listening for success', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'nightly', OK, { notify: { email: { to: ['ops@corp.test'], on: ['success'] } } });

    const run = await waitForEnd(engine, engine.trigger('nightly').id);
    await notifier.flush();

    expect(smtp.messages.map((m) => m.subject)).toEqual(['[Batchlight] SUCCEEDED nightly on HOST']);
    expect(notificationsOf(engine.store, run.id)).toMatchObject([{ event: 'success', status: 'sent' }]);
  });

  it('success: a schedule listening only for failures gets no email when its run succeeds', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'quiet', OK, { notify: { email: { to: ['ops@corp.test'] } } });

    const run = await waitForEnd(engine, engine.trigger('quiet').id);
    await notifier.flush();

    expect(smtp.messages).toEqual([]);
    expect(notificationsOf(engine.store, run.id)).toEqual([]);
  });

  it('recovered: the first success after a failure is mailed as a recovery, the failure itself is not', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    const marker = `${engine.store.dataDir}/failed-once`;
    const script = `const fs = require('fs'); if (fs.existsSync(${JSON.stringify(marker)})) process.exit(0); fs.writeFileSync(${JSON.stringify(marker)}, 'x'); process.exit(1)`;
    saveNodeSchedule(engine, 'flaky', script, { retry: { maxRetries: 1, delaySeconds: 0 }, notify: { email: { to: ['ops@corp.test'], on: ['recovered'] } } });

    const last = await engine.waitForChain(engine.trigger('flaky').id, 20);
    await notifier.flush();

    expect(last).toMatchObject({ attempt: 1, status: 'succeeded' });
    expect(smtp.messages.map((m) => m.subject)).toEqual(['[Batchlight] RECOVERED flaky on HOST (attempt 2/2)']);
  });

  it('recovered: a success after a success is not a recovery', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'steady', OK, { notify: { email: { to: ['ops@corp.test'], on: ['recovered'] } } });

    await waitForEnd(engine, engine.trigger('steady').id);
    await waitForEnd(engine, engine.trigger('steady').id);
    await notifier.flush();

    expect(smtp.messages).toEqual([]);
  });

  it('long_running: a run still going after longRunningSeconds is mailed once while it runs', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'slow', 'setTimeout(() => {}, 2500)', {
      notify: { email: { to: ['ops@corp.test'], on: ['long_running'] }, longRunningSeconds: 1 },
    });

    const run = engine.trigger('slow');
    await waitFor(() => smtp.messages.length > 0, 10_000, 'the long-running email');
    expect(engine.getRun(run.id).status).toBe('running');
    await waitForEnd(engine, run.id);
    await notifier.flush();

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.subject).toMatch(/^\[Batchlight\] LONG RUNNING slow on HOST \(running for 1\.\d s\)$/);
    expect(notificationsOf(engine.store, run.id)).toMatchObject([{ event: 'long_running', status: 'sent' }]);
  });

  it('long_running: a run that ends before longRunningSeconds is not mailed', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'quick', OK, {
      notify: { email: { to: ['ops@corp.test'], on: ['long_running'] }, longRunningSeconds: 1 },
    });

    await waitForEnd(engine, engine.trigger('quick').id);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await notifier.flush();

    expect(smtp.messages).toEqual([]);
  });

  it('skipped: a trigger refused because the schedule is still running is mailed with the reason', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'exclusive', 'setTimeout(() => {}, 1500)', { overlap: 'skip', notify: { email: { to: ['ops@corp.test'], on: ['skipped'] } } });

    const first = engine.trigger('exclusive');
    await waitFor(() => engine.getRun(first.id).status === 'running', 10_000, 'the first run to start');
    const refused = engine.trigger('exclusive');
    await notifier.flush();

    expect(refused).toMatchObject({ status: 'skipped', reason: 'overlap' });
    expect(smtp.messages.map((m) => m.subject)).toEqual(['[Batchlight] SKIPPED exclusive on HOST (overlap)']);
    expect(notificationsOf(engine.store, refused.id)).toMatchObject([{ event: 'skipped', status: 'sent' }]);
    await waitForEnd(engine, first.id);
  });
});
