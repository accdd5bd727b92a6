/**
 * Webhook notifications to a real HTTP server on loopback: the JSON, Slack and Teams payloads,
 * configured headers, retries on server errors, and outcomes stored against the run.
 */
import { describe, expect, it } from 'vitest';
import { notificationsOf } from '../../src-main/engine/notify/history.ts';
import { waitForEnd } from '../helpers/engine-harness.ts';
import { notifyingEngine, saveNodeSchedule, smtpSettings, startSmtp, startWebhookServer } from './notify-harness.ts';

const HOOK_AUTH = 'Bearer hook-secret-4d5e6f70';
const FAIL = 'console.error("upstream said no"); process.exit(4)';

async function webhookRun(format: string, status?: () => number) {
  const server = await startWebhookServer(status);
  const { engine, notifier } = await notifyingEngine({
    webhooks: [{ name: 'ops-hook', url: `${server.url}/hook/${format}`, format, headers: { 'X-Team': 'ops', Authorization: HOOK_AUTH } }],
  });
  saveNodeSchedule(engine, 'invoice-processor', FAIL, { notify: { webhook: { target: 'ops-hook' } } });
  const run = await waitForEnd(engine, engine.trigger('invoice-processor').id);
  await notifier.flush();
  return { server, engine, run };
}

describe('webhook notifications', () => {
  it('json: the run summary is posted as a JSON object with the configured headers', async () => {
    const { server, run } = await webhookRun('json');

    expect(server.posts).toHaveLength(1);
    const [post] = server.posts;
    expect(post!.path).toBe('/hook/json');
    expect(post!.headers['content-type']).toMatch(/^application\/json/);
    expect(post!.headers['x-team']).toBe('ops');
    expect(post!.headers.authorization).toBe(HOOK_AUTH);
    expect(post!.body).toMatchObject({
      source: 'batchlight',
      title: '[Batchlight] FAILED invoice-processor on HOST (attempt 1/1)',
      event: 'retries_exhausted',
      schedule: 'invoice-processor',
      status: 'failed',
      host: 'HOST',
      runId: run.id,
      attempt: 1,
      maxAttempts: 1,
      trigger: 'manual',
      exitCode: 4,
      error: run.error,
      stderr: 'upstream said no',
      startedAt: new Date(run.startedAt!).toISOString(),
      finishedAt: new Date(run.finishedAt!).toISOString(),
    });
  });

  it('slack: the post is a Slack message with fallback text and Block Kit blocks', async () => {
    const { server } = await webhookRun('slack');

    const body = server.posts[0]!.body as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string }; fields?: Array<{ type: string; text: string }> }> };
    expect(body.text).toBe('[Batchlight] FAILED invoice-processor on HOST (attempt 1/1)');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: body.text, emoji: false } });
    expect(body.blocks[1]!.type).toBe('section');
    expect(body.blocks[1]!.fields).toContainEqual({ type: 'mrkdwn', text: '*Schedule*\ninvoice-processor' });
    expect(body.blocks[1]!.fields!.length).toBeLessThanOrEqual(10);
    expect(body.blocks.some((b) => b.text?.type === 'mrkdwn' && b.text.text.includes('upstream said no'))).toBe(true);
  });

  it('teams: the post is a message carrying an Adaptive Card with the facts', async () => {
    const { server, run } = await webhookRun('teams');

    const body = server.posts[0]!.body as {
      type: string;
      attachments: Array<{ contentType: string; content: { type: string; version: string; body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }> } }>;
    };
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const [attachment] = body.attachments;
    expect(attachment!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment!.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(attachment!.content.body[0]).toMatchObject({ type: 'TextBlock', text: '[Batchlight] FAILED invoice-processor on HOST (attempt 1/1)' });
    const facts = attachment!.content.body.find((b) => b.type === 'FactSet')!.facts!;
    expect(facts).toContainEqual({ title: 'Exit code', value: '4' });
    expect(facts).toContainEqual({ title: 'Run id', value: run.id });
    expect(attachment!.content.body.some((b) => b.text === 'upstream said no')).toBe(true);
  });

  it('a webhook answering 500 is tried 3 times and the last status is stored against the run', async () => {
    const { server, engine, run } = await webhookRun('json', () => 500);

    expect(server.posts).toHaveLength(3);
    expect(notificationsOf(engine.store, run.id)).toMatchObject([
      { channel: 'webhook', target: 'ops-hook', status: 'failed', attempts: 3, error: 'Webhook ops-hook: HTTP 500 Internal Server Error: nope' },
    ]);
  });

  it('a webhook answering 404 is not retried: another attempt cannot fix it', async () => {
    const { server, engine, run } = await webhookRun('json', () => 404);

    expect(server.posts).toHaveLength(1);
    expect(notificationsOf(engine.store, run.id)).toMatchObject([{ status: 'failed', attempts: 1 }]);
  });

  it('a webhook that answers 503 once and then 200 is recorded as sent on the second attempt', async () => {
    let calls = 0;
    const { server, engine, run } = await webhookRun('json', () => (++calls === 1 ? 503 : 200));

    expect(server.posts).toHaveLength(2);
    expect(notificationsOf(engine.store, run.id)).toMatchObject([{ status: 'sent', attempts: 2, error: null }]);
  });

  it('a schedule naming a webhook that is not in settings gets a failed notification saying so', async () => {
    const { engine, notifier } = await notifyingEngine({});
    saveNodeSchedule(engine, 'orphan', FAIL, { notify: { webhook: { target: 'gone' } } });

    const run = await waitForEnd(engine, engine.trigger('orphan').id);
    await notifier.flush();

    expect(notificationsOf(engine.store, run.id)).toMatchObject([
      { channel: 'webhook', target: 'gone', status: 'failed', attempts: 0, error: "No webhook named 'gone' in settings.webhooks" },
    ]);
  });

  it('email and webhook are both sent for one run, each with its own outcome', async () => {
    const smtp = await startSmtp();
    const server = await startWebhookServer();
    const { engine, notifier } = await notifyingEngine(smtpSettings(smtp.port, { webhooks: [{ name: 'hook', url: server.url, format: 'json' }] }));
    saveNodeSchedule(engine, 'both', FAIL, { notify: { email: { to: ['ops@corp.test'] }, webhook: { target: 'hook', on: ['failure'] } } });

    const run = await waitForEnd(engine, engine.trigger('both').id);
    await notifier.flush();

    expect(smtp.messages).toHaveLength(1);
    expect(server.posts).toHaveLength(1);
    expect(notificationsOf(engine.store, run.id).map((n) => [n.channel, n.event, n.status])).toEqual([
      ['email', 'retries_exhausted', 'sent'],
      ['webhook', 'failure', 'sent'],
    ]);
  });
});
