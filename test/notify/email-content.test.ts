/**
 * What a notification email says and who gets it: both MIME parts, the run's facts, the last 50
 * lines of output, recipients and default recipients, and secrets redacted.
 */
import { describe, expect, it } from 'vitest';
import { notificationsOf } from '../../src-main/engine/notify/history.ts';
import { scheduleSpec, waitForEnd } from '../helpers/engine-harness.ts';
import { notifyingEngine, saveNodeSchedule, smtpSettings, startSmtp } from './notify-harness.ts';

const to = ['ops@corp.test'];

describe('notification email content', () => {
  it('the email has a plain-text and an HTML part with schedule, status, trigger, times, duration, exit code and error', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'invoice-processor', 'console.error("disk full"); process.exit(3)', { notify: { email: { to } } });

    const run = await waitForEnd(engine, engine.trigger('invoice-processor').id);
    await notifier.flush();

    const [mail] = smtp.messages;
    expect(mail!.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    for (const part of [mail!.text, mail!.html]) {
      expect(part).toContain('invoice-processor');
      expect(part).toContain('failed');
      expect(part).toContain('manual');
      expect(part).toContain(new Date(run.scheduledFor).toISOString().slice(0, 10));
      expect(part).toMatch(/Duration/);
      expect(part).toContain(run.error!);
      expect(part).toContain('disk full');
      expect(part).toContain(run.id);
    }
    expect(mail!.text).toMatch(/^Exit code: +3$/m);
    expect(mail!.text).toMatch(/^Started: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
    expect(mail!.text).toMatch(/^Duration: +\d/m);
    expect(mail!.html).toMatch(/<th[^>]*>Exit code<\/th><td>3<\/td>/);
  });

  it('the email carries only the last 50 lines of stderr and of stdout', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    const script = 'for (let i = 1; i <= 80; i++) { console.error("err-line-" + i); console.log("out-line-" + i) } process.exit(1)';
    saveNodeSchedule(engine, 'chatty', script, { notify: { email: { to } } });

    await waitForEnd(engine, engine.trigger('chatty').id);
    await notifier.flush();

    const { text, html } = smtp.messages[0]!;
    for (const part of [text, html]) {
      expect(part).toMatch(/(^|>)err-line-31$/m);
      expect(part).toMatch(/^err-line-80(<|$)/m);
      expect(part).not.toMatch(/(^|>)err-line-30$/m);
      expect(part).toMatch(/(^|>)out-line-31$/m);
      expect(part).toMatch(/^out-line-80(<|$)/m);
      expect(part).not.toMatch(/(^|>)out-line-30$/m);
    }
  });

  it('output in the HTML part is escaped, so a job cannot inject markup', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'markup', 'console.log("<img src=x onerror=alert(1)> & more"); process.exit(1)', { notify: { email: { to } } });

    await waitForEnd(engine, engine.trigger('markup').id);
    await notifier.flush();

    const { text, html } = smtp.messages[0]!;
    expect(text).toContain('<img src=x onerror=alert(1)> & more');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62; &#38; more');
  });

  it('a secret parameter the job prints appears as *** in the email, never in clear', async () => {
    const secret = 'tok-93c1e7a5b2d4';
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    engine.saveSchedule(
      scheduleSpec({
        name: 'leaky',
        job: { type: 'process', executablePath: process.execPath, arguments: ['-e', 'console.log("token is " + process.argv[1]); console.error("auth failed for " + process.argv[1]); process.exit(1)', '{Token}'] },
        parameters: [{ name: 'Token', type: 'string', value: secret, secret: true }],
        notify: { email: { to } },
      }),
    );

    await waitForEnd(engine, engine.trigger('leaky').id);
    await notifier.flush();

    const mail = smtp.messages[0]!;
    expect(mail.text).toContain('token is ***');
    expect(mail.html).toContain('token is ***');
    expect(mail.text).toContain('auth failed for ***');
    expect(mail.raw).not.toContain(secret);
    expect(mail.text + mail.html).not.toContain(secret);
  });

  it('the email goes to every `to` and `cc` address, with cc in the Cc header', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'billing', 'process.exit(1)', {
      notify: { email: { to: ['a@corp.test', 'b@corp.test'], cc: ['boss@corp.test'] } },
    });

    const run = await waitForEnd(engine, engine.trigger('billing').id);
    await notifier.flush();

    const mail = smtp.messages[0]!;
    expect(mail.envelopeTo.sort()).toEqual(['a@corp.test', 'b@corp.test', 'boss@corp.test']);
    expect(mail.headers.get('to')).toBe('a@corp.test, b@corp.test');
    expect(mail.headers.get('cc')).toBe('boss@corp.test');
    expect(mail.headers.get('from')).toBe('batchlight@corp.test');
    expect(notificationsOf(engine.store, run.id)).toMatchObject([{ target: 'a@corp.test, b@corp.test, boss@corp.test', status: 'sent' }]);
  });

  it('a schedule that names no recipients is mailed to the default recipients from settings', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port, { notify: { defaultTo: ['oncall@corp.test'] } }));
    saveNodeSchedule(engine, 'plain', 'process.exit(1)');

    await waitForEnd(engine, engine.trigger('plain').id);
    await notifier.flush();

    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['oncall@corp.test']]);
  });

  it('a schedule with its own recipients is not mailed to the default recipients', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port, { notify: { defaultTo: ['oncall@corp.test'] } }));
    saveNodeSchedule(engine, 'owned', 'process.exit(1)', { notify: { email: { to: ['team@corp.test'] } } });

    await waitForEnd(engine, engine.trigger('owned').id);
    await notifier.flush();

    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['team@corp.test']]);
  });

  it('with no recipients anywhere nothing is sent and nothing is recorded', async () => {
    const smtp = await startSmtp();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'unwatched', 'process.exit(1)');

    const run = await waitForEnd(engine, engine.trigger('unwatched').id);
    await notifier.flush();

    expect(smtp.messages).toEqual([]);
    expect(notificationsOf(engine.store, run.id)).toEqual([]);
  });
});
