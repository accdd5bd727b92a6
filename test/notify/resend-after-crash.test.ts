/**
 * A notification the engine was sending when it died is sent again at the next start (at least
 * once), unless it is too old; the sent-again message goes through the normal sending path.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { notificationsOf } from '../../src-main/engine/notify/history.ts';
import { RESENT_NOTE } from '../../src-main/engine/notify/message.ts';
import { createNotificationsRepo, type NotificationRecord } from '../../src-main/engine/store/notifications-repo.ts';
import type { Run } from '../../src-main/engine/types.ts';
import { makeEngine, onCleanup, tempDir, waitFor, waitForEnd } from '../helpers/engine-harness.ts';
import { importSettings, notifyingEngine, saveNodeSchedule, smtpSettings, startSmtp, startWebhookServer } from './notify-harness.ts';

const HOUR_MS = 60 * 60_000;

/** A webhook endpoint that never answers its first post (a slow Teams) and answers 200 after. */
function slowFirstWebhookServer() {
  let posts = 0;
  return startWebhookServer(() => ((posts += 1) > 1 ? 200 : undefined));
}

/** A pending row for `run`, written exactly as the notifier writes one before sending it. */
function pendingRow(run: Run, fields: Partial<NotificationRecord>): NotificationRecord {
  return {
    id: randomUUID(), runId: run.id, scheduleId: run.scheduleId, channel: 'webhook', target: 'ops', event: 'success',
    status: 'pending', attempts: 0, error: null, createdAt: Date.now(), sentAt: null, ...fields,
  };
}

describe('notifications left unsent by a crash', () => {
  it('a failure notification being sent when the engine was killed is sent again at the next start and recorded as sent', async () => {
    const dataDir = tempDir();
    const hook = await slowFirstWebhookServer();
    const setup = makeEngine({ dataDir });
    importSettings(setup, { webhooks: [{ name: 'ops', url: `${hook.url}/hook`, format: 'json' }] });
    saveNodeSchedule(setup, 'victim', 'process.exit(3)', { notify: { webhook: { target: 'ops' } } });
    await setup.stop();

    const host = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/fixtures/engine/crashing-host.ts'), dataDir, 'victim'], {
      stdio: 'ignore',
    });
    onCleanup(() => void host.kill('SIGKILL'));
    await waitFor(() => hook.posts.length === 1, 15_000, 'the killed engine to post the failure');
    host.kill('SIGKILL');
    await new Promise((resolve) => host.once('exit', resolve));

    const engine = makeEngine({ dataDir, notifications: { delivery: { backoffMs: [20, 40], timeoutMs: 5_000 } } });
    const [run] = engine.listRuns({});
    expect(notificationsOf(engine.store, run!.id)).toMatchObject([{ status: 'pending', attempts: 0 }]);
    await engine.start();

    const [notification] = await waitFor(() => {
      const rows = notificationsOf(engine.store, run!.id);
      return rows[0]?.status !== 'pending' ? rows : undefined;
    }, 10_000, 'the notification to be sent again');
    expect(notification).toMatchObject({ status: 'sent', attempts: 1, error: null, event: 'retries_exhausted' });
    expect(hook.posts).toHaveLength(2);
    expect(hook.posts[1]!.body).toMatchObject({ runId: run!.id, event: 'retries_exhausted', status: 'failed', resent: true });
  });

  it('a pending email is sent again when the notifier starts, to its recipients, saying it may be a duplicate', async () => {
    const smtp = await startSmtp();
    const setup = await notifyingEngine(smtpSettings(smtp.port));
    saveNodeSchedule(setup.engine, 'nightly', 'process.exit(0)');
    const run = await waitForEnd(setup.engine, setup.engine.trigger('nightly').id);
    const row = pendingRow(run, { channel: 'email', target: 'ops@corp.test, boss@corp.test', createdAt: Date.now() - HOUR_MS });
    createNotificationsRepo(setup.engine.store.db).insert(row);

    await setup.restartNotifier();
    await setup.notifier.flush();

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelopeTo.sort()).toEqual(['boss@corp.test', 'ops@corp.test']);
    expect(smtp.messages[0]!.subject).toBe('[Batchlight] SUCCEEDED nightly on HOST');
    expect(smtp.messages[0]!.text).toContain(RESENT_NOTE);
    expect(notificationsOf(setup.engine.store, run.id)).toMatchObject([{ id: row.id, status: 'sent', attempts: 1, error: null }]);
  });

  it('a pending notification older than 24 hours is marked failed as too old and not sent', async () => {
    const hook = await startWebhookServer();
    const setup = await notifyingEngine({ webhooks: [{ name: 'ops', url: `${hook.url}/hook`, format: 'json' }] });
    saveNodeSchedule(setup.engine, 'nightly', 'process.exit(0)');
    const run = await waitForEnd(setup.engine, setup.engine.trigger('nightly').id);
    const row = pendingRow(run, { createdAt: Date.now() - 25 * HOUR_MS });
    createNotificationsRepo(setup.engine.store.db).insert(row);

    await setup.restartNotifier();
    await setup.notifier.flush();

    expect(hook.posts).toEqual([]);
    const [notification] = notificationsOf(setup.engine.store, run.id);
    expect(notification).toMatchObject({ id: row.id, status: 'failed', attempts: 0 });
    expect(notification!.error).toMatch(/^Batchlight stopped before this notification was sent, and it was too old to send after the restart \(.*limit 24 h\)$/);
  });

  it('a sent-again message still counts the messages flood control held back into it', async () => {
    const hook = await startWebhookServer();
    const setup = await notifyingEngine({ webhooks: [{ name: 'ops', url: `${hook.url}/hook`, format: 'json' }] });
    saveNodeSchedule(setup.engine, 'nightly', 'process.exit(0)');
    const run = await waitForEnd(setup.engine, setup.engine.trigger('nightly').id);
    const repo = createNotificationsRepo(setup.engine.store.db);
    const start = Date.now() - HOUR_MS;
    repo.insert(pendingRow(run, { status: 'sent', createdAt: start, sentAt: start }));
    repo.insert(pendingRow(run, { status: 'suppressed', createdAt: start + 60_000 }));
    repo.insert(pendingRow(run, { status: 'suppressed', createdAt: start + 120_000 }));
    repo.insert(pendingRow(run, { createdAt: start + 15 * 60_000 }));

    await setup.restartNotifier();
    await setup.notifier.flush();

    expect(hook.posts).toHaveLength(1);
    expect(hook.posts[0]!.body).toMatchObject({ heldBack: { count: 2, since: new Date(start + 60_000).toISOString() }, resent: true });
    expect(notificationsOf(setup.engine.store, run.id).map((n) => n.status)).toEqual(['sent', 'suppressed', 'suppressed', 'sent']);
  });
});
