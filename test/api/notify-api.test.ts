/**
 * testNotify over the real loopback transport: arguments are checked (a bad address is a 400
 * naming `email`), a test email reaches a real SMTP server on loopback, a webhook test reaches a
 * real HTTP receiver, and failures come back as results with the reason, secrets redacted.
 */
import { describe, expect, it } from 'vitest';
import type { NotifyTestResult } from '../../src-main/api/contract.ts';
import { importSettings, SMTP_PASSWORD, smtpSettings, startSmtp, startWebhookServer } from '../notify/notify-harness.ts';
import { startApi } from './api-harness.ts';

type Results = { results: NotifyTestResult[] };

describe('testNotify', () => {
  it('refuses an email that is not an address with a 400 naming `email`', async () => {
    const api = await startApi();
    const { status, body } = await api.call('testNotify', { email: 'not-an-address' });
    expect(status).toBe(400);
    expect(body.error?.problems?.map((p) => p.path)).toEqual(['email']);
  });

  it('refuses an empty webhook name with a 400 naming `webhook`', async () => {
    const api = await startApi();
    const { status, body } = await api.call('testNotify', { webhook: '' });
    expect(status).toBe(400);
    expect(body.error?.problems?.map((p) => p.path)).toEqual(['webhook']);
  });

  it('sends a test email through the configured SMTP server and reports it sent', async () => {
    const smtp = await startSmtp();
    const api = await startApi();
    importSettings(api.engine, smtpSettings(smtp.port));
    const { results } = await api.value<Results>('testNotify', { email: 'me@corp.test' });
    expect(results).toEqual([{ channel: 'email', target: 'me@corp.test', ok: true, attempts: 1, error: null }]);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelopeTo).toEqual(['me@corp.test']);
  });

  it('reports a refused SMTP login as failed with the reason, never the password', async () => {
    const smtp = await startSmtp();
    const api = await startApi();
    importSettings(api.engine, smtpSettings(smtp.port, {}, `${SMTP_PASSWORD}-wrong`));
    const { results } = await api.value<Results>('testNotify', { email: 'me@corp.test' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ channel: 'email', ok: false });
    expect(results[0]!.error).toMatch(/auth/i);
    expect(JSON.stringify(results)).not.toContain(`${SMTP_PASSWORD}-wrong`);
    expect(smtp.messages).toHaveLength(0);
  });

  it('posts a test message to the named webhook only', async () => {
    const hook = await startWebhookServer();
    const other = await startWebhookServer();
    const api = await startApi();
    importSettings(api.engine, {
      webhooks: [
        { name: 'chat', url: `${hook.url}/chat`, format: 'json' },
        { name: 'other', url: `${other.url}/other`, format: 'json' },
      ],
    });
    const { results } = await api.value<Results>('testNotify', { webhook: 'chat' });
    expect(results).toEqual([{ channel: 'webhook', target: 'chat', ok: true, attempts: 1, error: null }]);
    expect(hook.posts.map((p) => p.path)).toEqual(['/chat']);
    expect(other.posts).toHaveLength(0);
  });

  it('reports an unknown webhook as failed, naming it', async () => {
    const api = await startApi();
    const { results } = await api.value<Results>('testNotify', { webhook: 'nowhere' });
    expect(results).toEqual([{ channel: 'webhook', target: 'nowhere', ok: false, attempts: 0, error: expect.stringContaining("'nowhere'") }]);
  });
});
