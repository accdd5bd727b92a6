import { describe, expect, it } from 'vitest';
import { createFailureNotifier, failureMessage } from '../../src-main/electron/notifications.ts';
import type { Run, RunStatus } from '../../src-main/engine/types.ts';

function run(status: RunStatus, more: Partial<Run> = {}): Run {
  return {
    id: 'r1', scheduleId: 's1', scheduleName: 'invoices', attempt: 0, trigger: 'schedule', triggeredBy: null, chainId: 'r1',
    scheduledFor: 0, dueAt: 0, startedAt: 1, finishedAt: 2, heartbeatAt: null, status, exitCode: null, error: null,
    errorDetail: null, reason: null, stdoutTail: null, stderrTail: null, result: null, host: 'h', pid: null, priority: 0,
    timeoutSeconds: null, parameterOverrides: null, cancelRequested: false, createdAt: 0, ...more,
  };
}

function harness(muted = false) {
  const shown: Array<{ title: string; body: string }> = [];
  const opened: string[] = [];
  const clicks: Array<() => void> = [];
  const notify = createFailureNotifier({
    create: (message) => ({ show: () => void shown.push(message), on: (_event, listener) => void clicks.push(listener) }),
    isMuted: () => muted,
    openRun: (id) => void opened.push(id),
  });
  return { notify, shown, opened, clicks };
}

describe('failure notifications', () => {
  it.each([
    ['failed', 'invoices failed'],
    ['timed_out', 'invoices timed out'],
    ['interrupted', 'invoices was interrupted'],
  ] as const)('a %s run raises "%s"', (status, title) => {
    const { notify, shown } = harness();
    notify(run(status, { error: 'Exit code 2' }));
    expect(shown).toEqual([{ title, body: 'Exit code 2' }]);
  });

  it.each(['succeeded', 'cancelled', 'skipped'] as const)('a %s run raises nothing', (status) => {
    const { notify, shown } = harness();
    notify(run(status));
    expect(shown).toEqual([]);
  });

  it('muted: a failure raises nothing', () => {
    const { notify, shown } = harness(true);
    notify(run('failed'));
    expect(shown).toEqual([]);
  });

  it("clicking the notification opens that run's log", () => {
    const { notify, clicks, opened } = harness();
    notify(run('failed', { id: 'run-42' }));
    clicks.forEach((click) => click());
    expect(opened).toEqual(['run-42']);
  });

  it('falls back to the exit code, then to a hint, when the run has no error text', () => {
    expect(failureMessage(run('failed', { exitCode: 3 }))?.body).toBe('Exit code 3');
    expect(failureMessage(run('failed'))?.body).toBe('Click to see its log.');
  });

  it('cuts a long error to 200 characters', () => {
    const body = failureMessage(run('failed', { error: 'x'.repeat(500) }))!.body;
    expect(body).toHaveLength(200);
    expect(body.endsWith('…')).toBe(true);
  });
});
