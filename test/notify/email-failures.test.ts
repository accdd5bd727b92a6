/**
 * Mail that cannot be sent: the reason is stored against the run, the attempts are bounded, and
 * the run itself is recorded exactly as it ended.
 */
import { describe, expect, it } from 'vitest';
import { notificationsOf } from '../../src-main/engine/notify/history.ts';
import { waitForEnd } from '../helpers/engine-harness.ts';
import { closedPort, notifyingEngine, saveNodeSchedule, smtpSettings, SMTP_USER, startSilentServer, startSmtp } from './notify-harness.ts';

const notify = { email: { to: ['ops@corp.test'], on: ['success', 'retries_exhausted'] } };

describe('email delivery failures', () => {
  it('a wrong SMTP password is reported on the run after one attempt, and the run stays succeeded', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port, {}, 'not-the-password'));
    saveNodeSchedule(engine, 'nightly', 'process.exit(0)', { notify });

    const run = await waitForEnd(engine, engine.trigger('nightly').id);
    await notifier.flush();

    expect(engine.getRun(run.id)).toMatchObject({ status: 'succeeded', error: null });
    expect(smtp.messages).toEqual([]);
    expect(smtp.logins).toEqual([{ user: SMTP_USER, ok: false }]);
    const [notification] = notificationsOf(engine.store, run.id);
    expect(notification).toMatchObject({ channel: 'email', event: 'success', status: 'failed', attempts: 1, sentAt: null });
    expect(notification!.error).toMatch(/^SMTP 127\.0\.0\.1:\d+: Invalid login: 535/);
    expect(notification!.error).not.toContain('not-the-password');
  });

  it('an SMTP server that never answers times out on each of 3 attempts, and the failure is reported on the run', async () => {
    const silent = await startSilentServer();
    const { engine, notifier } = await notifyingEngine(smtpSettings(silent.port), { timeoutMs: 300 });
    saveNodeSchedule(engine, 'nightly', 'process.exit(2)', { notify });

    const run = await waitForEnd(engine, engine.trigger('nightly').id);
    await notifier.flush();

    expect(engine.getRun(run.id)).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(silent.connections()).toBe(3);
    const [notification] = notificationsOf(engine.store, run.id);
    expect(notification).toMatchObject({ event: 'retries_exhausted', status: 'failed', attempts: 3 });
    expect(notification!.error).toMatch(/^SMTP 127\.0\.0\.1:\d+: timed out after 0\.3 s$/);
  });

  it('an SMTP port nobody listens on is tried 3 times and reported as refused', async () => {
    const { engine, notifier } = await notifyingEngine(smtpSettings(await closedPort()));
    saveNodeSchedule(engine, 'nightly', 'process.exit(0)', { notify });

    const run = await waitForEnd(engine, engine.trigger('nightly').id);
    await notifier.flush();

    const [notification] = notificationsOf(engine.store, run.id);
    expect(notification).toMatchObject({ status: 'failed', attempts: 3 });
    expect(notification!.error).toMatch(/ECONNREFUSED/);
  });

  it('secure starttls never sends in clear: a server that does not offer STARTTLS gets no message', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine({ smtp: { ...smtpSettings(smtp.port).smtp, secure: 'starttls' } });
    saveNodeSchedule(engine, 'nightly', 'process.exit(0)', { notify });

    const run = await waitForEnd(engine, engine.trigger('nightly').id);
    await notifier.flush();

    expect(smtp.messages).toEqual([]);
    expect(smtp.logins).toEqual([]);
    const [notification] = notificationsOf(engine.store, run.id);
    expect(notification).toMatchObject({ status: 'failed' });
    expect(notification!.error).toMatch(/STARTTLS/i);
  });

  it('with no SMTP server configured the notification is recorded as failed with the reason', async () => {
    const { engine, notifier } = await notifyingEngine({});
    saveNodeSchedule(engine, 'nightly', 'process.exit(0)', { notify });

    const run = await waitForEnd(engine, engine.trigger('nightly').id);
    await notifier.flush();

    expect(notificationsOf(engine.store, run.id)).toMatchObject([
      { status: 'failed', attempts: 0, error: expect.stringContaining('No SMTP server is configured') },
    ]);
  });

  it('stopping the notifier while a message waits for a silent server records it as failed, not pending', async () => {
    const silent = await startSilentServer();
    const setup = await notifyingEngine(smtpSettings(silent.port), { timeoutMs: 20_000, closeTimeoutMs: 200 });
    saveNodeSchedule(setup.engine, 'nightly', 'process.exit(0)', { notify });

    const run = await waitForEnd(setup.engine, setup.engine.trigger('nightly').id);
    await setup.restartNotifier();

    expect(notificationsOf(setup.engine.store, run.id)).toMatchObject([
      { status: 'failed', error: expect.stringContaining('Batchlight stopped before the message was sent') },
    ]);
  });
});
