/**
 * The notifier: listens to the engine's run events, decides what each run calls for, applies
 * flood control, and sends in the background. Sending never blocks or fails a run: it starts
 * after the run is recorded (run.finished is emitted after the commit, retry row included), has
 * its own time limit and attempts, and its outcome is stored against the run.
 *
 * Flood control: per schedule, event and channel, at most one message per window (setting
 * `notifyFloodMinutes`, default 10). One held back is stored as `suppressed` and counted into the
 * next message sent ("and 14 more failures since 02:10"). The state is the notifications table,
 * so it survives a restart.
 *
 * A message is stored as `pending` before it goes out, so one a killed engine left unsent is sent
 * again at the next start (resume.ts): at least once, bounded by age.
 */
import { randomUUID } from 'node:crypto';
import { sleepMonotonic, type Clock } from '../clock.ts';
import { toError } from '../errors.ts';
import type { EngineEvents } from '../events.ts';
import type { Logger } from '../logger.ts';
import { createNotificationsRepo, type NotificationRecord } from '../store/notifications-repo.ts';
import { readRunOutput } from '../store/output-files.ts';
import type { Store } from '../store/store.ts';
import type { NotifyEvent, Run, Schedule } from '../types.ts';
import { DEFAULT_DELIVERY, type DeliveryOptions } from './delivery.ts';
import { runMessage } from './message.ts';
import { readNotifySettings, type NotifySettings } from './notify-settings.ts';
import { FAILED_STATUSES, finishedEvents, listensTo, planNotifications, skippedEvents, type PlannedNotification } from './plan.ts';
import { resumePending } from './resume.ts';
import { sendMessage } from './send.ts';

export interface NotifierOptions {
  store: Store;
  events: EngineEvents;
  clock: Clock;
  logger: Logger;
  host: string;
  /** The current schedule for an id, when the engine has it in memory (else read from the store). */
  scheduleById?: (id: string) => Schedule | undefined;
  /** Attempts, per-attempt limit and backoff (tests shorten them). */
  delivery?: Partial<DeliveryOptions>;
  /** How long `close()` waits for messages still being sent before giving up on them. */
  closeTimeoutMs?: number;
}

/** The running notifier. */
export interface Notifier {
  /** Stops listening; waits (bounded) for messages being sent, then abandons the rest as failed. */
  close(): Promise<void>;
  /** Resolves when every message decided so far has been sent or has failed. */
  flush(): Promise<void>;
}

/** One message on its way: decided now, or left pending by a stopped process (`resent`). */
export interface Sending {
  schedule: Schedule;
  run: Run;
  planned: PlannedNotification;
  record: NotificationRecord;
  heldBack: { count: number; since: number } | undefined;
  settings: NotifySettings;
  willRetry: boolean;
  resent?: boolean;
}

/** Bytes of each output file read for the last lines. */
const OUTPUT_WINDOW_BYTES = 64 * 1024;

/**
 * Starts notifying about the runs `events` reports. Create it only once the engine holds the data
 * folder lease: it sends again the messages a stopped process left unsent, and two engines doing
 * so would send them twice.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { store, events, clock, host } = options;
  const logger = options.logger;
  const delivery: DeliveryOptions = { ...DEFAULT_DELIVERY, ...options.delivery };
  const repo = createNotificationsRepo(store.db);
  const stop = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const watches = new Map<string, AbortController>();

  // Runs end by the thousand; a schedule is read at most once a second (and afresh after any
  // schedule change), so a run without notifications costs almost nothing.
  const fresh = new Map<string, { value: unknown; at: number }>();
  const cached = <T>(key: string, read: () => T): T => {
    const hit = fresh.get(key);
    const at = performance.now();
    if (hit && at - hit.at < 1000) return hit.value as T;
    const value = read();
    fresh.set(key, { value, at });
    return value;
  };
  const scheduleOf = (id: string) =>
    options.scheduleById?.(id) ?? cached(`schedule:${id}`, () => store.schedules.getById(id));
  const mayNotify = (schedule: Schedule | undefined) =>
    schedule !== undefined &&
    (schedule.notify?.email !== undefined || schedule.notify?.webhook !== undefined || (store.settings.lastKnown<{ defaultTo?: string[] }>('notify')?.defaultTo?.length ?? 0) > 0);

  const track = (work: Promise<void>) => {
    const tracked = work.catch((error: unknown) => logger.error('A notification failed unexpectedly', { error: toError(error).message }));
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };

  /** Decides, stores and starts sending what `run` calls for. */
  const notify = (run: Run, raised: NotifyEvent[], willRetry = false) => {
    if (raised.length === 0 || stop.signal.aborted) return;
    const schedule = scheduleOf(run.scheduleId);
    if (!schedule || !mayNotify(schedule)) return;
    let settings: NotifySettings;
    try {
      settings = readNotifySettings(store);
    } catch (error) {
      logger.error('Cannot read the notification settings', { runId: run.id, error: toError(error).message });
      return;
    }
    for (const planned of planNotifications(schedule.notify, settings.defaultTo, raised)) {
      const decided = store.db.transaction(() => admit(run, planned, settings.floodMinutes)).immediate();
      if (decided.record.status === 'pending') track(send({ schedule, run, planned, record: decided.record, heldBack: decided.heldBack, settings, willRetry }));
    }
  };

  /** Stores the notification as pending, or as suppressed when flood control holds it back. */
  const admit = (run: Run, planned: PlannedNotification, floodMinutes: number) => {
    const now = clock.now();
    const flood = repo.flood(run.scheduleId, planned.event, planned.channel);
    const age = flood.lastSentAt === null ? null : now - flood.lastSentAt;
    const held = age !== null && age >= 0 && age < floodMinutes * 60_000;
    const record: NotificationRecord = {
      id: randomUUID(),
      runId: run.id,
      scheduleId: run.scheduleId,
      channel: planned.channel,
      target: planned.target,
      event: planned.event,
      status: held ? 'suppressed' : 'pending',
      attempts: 0,
      error: null,
      createdAt: now,
      sentAt: null,
    };
    repo.insert(record);
    const heldBack = !held && flood.heldBack > 0 ? { count: flood.heldBack, since: flood.firstHeldBackAt ?? now } : undefined;
    return { record, heldBack };
  };

  const send = async ({ schedule, run, planned, record, heldBack, settings, willRetry, resent }: Sending) => {
    const redact = (text: string) => store.redactor.redact(text);
    const output = await recentOutput(store, run);
    const message = runMessage({ event: planned.event, run, schedule, host, now: clock.now(), output, heldBack, willRetry, resent, redact });
    const destination = planned.channel === 'email'
      ? { channel: 'email' as const, to: planned.to, cc: planned.cc }
      : { channel: 'webhook' as const, name: planned.target };
    const result = await sendMessage(message, destination, settings, delivery, stop.signal, redact);
    const log = logger.child({ scheduleId: schedule.id, schedule: schedule.name, runId: run.id });
    const attempts = record.attempts + result.attempts;
    const fields = { channel: planned.channel, target: planned.target, event: planned.event, attempts, resent: resent === true };
    if (result.ok) log.info('Notification sent', fields);
    else log.warn('Notification failed', { ...fields, error: result.error });
    try {
      repo.finish(record.id, {
        status: result.ok ? 'sent' : 'failed',
        attempts,
        error: result.error,
        sentAt: result.ok ? clock.now() : null,
      });
    } catch (error) {
      log.error('Could not record a notification outcome', { error: toError(error).message });
    }
  };

  /** Arms the long-running check for a run that just started, when its schedule asks for one. */
  const watch = (run: Run) => {
    const schedule = scheduleOf(run.scheduleId);
    const seconds = schedule?.notify?.longRunningSeconds;
    if (!schedule || seconds === undefined || !listensTo(schedule.notify, 'long_running')) return;
    const controller = new AbortController();
    watches.set(run.id, controller);
    sleepMonotonic(clock, seconds * 1000, controller.signal).then(
      () => {
        watches.delete(run.id);
        const current = store.runs.get(run.id);
        if (current?.status === 'running') notify(current, ['long_running']);
      },
      () => watches.delete(run.id),
    );
  };

  const unwatch = (run: Run) => watches.get(run.id)?.abort('run ended');

  const hasRetryQueued = (run: Run) =>
    FAILED_STATUSES.has(run.status) && store.runs.list({ chainId: run.chainId, limit: 1000 }).some((r) => r.attempt === run.attempt + 1);

  const onFinished = (run: Run) => {
    unwatch(run);
    if (!mayNotify(scheduleOf(run.scheduleId))) return;
    const retryQueued = hasRetryQueued(run);
    const previous = run.status === 'succeeded' ? repo.previousOutcome(run.scheduleId, run.id, run.finishedAt ?? clock.now()) : undefined;
    notify(run, finishedEvents(run, { retryQueued, previous }), retryQueued);
  };

  const unsubscribe = [
    events.on('schedule.changed', () => fresh.clear()),
    events.on('run.started', watch),
    events.on('run.finished', onFinished),
    events.on('run.skipped', (run) => notify(run, skippedEvents(run))),
  ];

  for (const left of resumePending({ repo, store, clock, logger, scheduleOf, retryQueued: hasRetryQueued })) track(send(left));

  const flush = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  return {
    flush,
    async close() {
      for (const off of unsubscribe) off();
      for (const controller of watches.values()) controller.abort();
      const limit = options.closeTimeoutMs ?? 20_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, limit)));
      await Promise.race([flush(), timedOut]);
      clearTimeout(timer);
      stop.abort();
      await flush();
    },
  };
}

/** The recent output of a run's streams (redacted when captured), from its files or its row. */
async function recentOutput(store: Store, run: Run): Promise<{ stdout: string; stderr: string }> {
  const read = async (stream: 'stdout' | 'stderr', fallback: string | null) => {
    try {
      const { totalBytes } = await readRunOutput(store.paths.runs, run.id, stream, { length: 1 }, fallback);
      if (totalBytes === 0) return fallback ?? '';
      const offset = Math.max(0, totalBytes - OUTPUT_WINDOW_BYTES);
      const { text } = await readRunOutput(store.paths.runs, run.id, stream, { offset, length: OUTPUT_WINDOW_BYTES }, fallback);
      return offset > 0 ? text.slice(text.indexOf('\n') + 1) : text;
    } catch {
      return fallback ?? '';
    }
  };
  const [stdout, stderr] = await Promise.all([read('stdout', run.stdoutTail), read('stderr', run.stderrTail)]);
  return { stdout, stderr };
}
