/**
 * The API's behaviour, once for every transport (Electron IPC and the loopback HTTP server):
 * each method checks its arguments (a ValidationError naming the field), calls the engine, and
 * returns views with every secret replaced by "<secret>". Handlers never let a bad input
 * crash the host; a ValidationError means "invalid input", any other Error "refused or failed".
 */
import { hostname } from 'node:os';
import cronstrue from 'cronstrue';
import { mapSecrets, SECRET_PLACEHOLDER } from '../engine/config/secret-fields.ts';
import { parseScheduleFileText, validateSchedule, validateScheduleFile } from '../engine/config/validate.ts';
import type { Engine, ScheduleStatus } from '../engine/engine.ts';
import { ValidationError, type Problem } from '../engine/errors.ts';
import { sendTestNotifications } from '../engine/notify/test-notify.ts';
import { exportScheduleFile, nameTakenMessage, saveConnection, saveSettings, toSpec } from '../engine/schedule-service.ts';
import { hostTimezone, isValidTimezone, nextOccurrences, parseCron } from '../engine/scheduler/cron.ts';
import { scheduleNameKey } from '../engine/store/schedules-repo.ts';
import { DEFAULT_SETTINGS, type ConnectionSpec, type Run } from '../engine/types.ts';
import { ARGS, parseArgs } from './handler-args.ts';
import type { BatchlightApi, ConnectionView, ScheduleView } from './contract.ts';

/** Who the run history says triggered or cancelled a run from a UI. */
const UI_ACTOR = 'ui';
const hide = () => SECRET_PLACEHOLDER;

/** Builds the API over one engine. */
export function createApiHandlers(engine: Engine): BatchlightApi {
  const runView = createRunView(engine);
  const view = (status: ScheduleStatus): ScheduleView => ({
    id: status.schedule.id,
    spec: mapSecrets(toSpec(status.schedule), hide),
    paused: status.schedule.paused,
    nextRunAt: status.nextRunAt,
    lastRun: status.lastRun ? runView(status.lastRun) : null,
  });
  const viewOf = (name: string): ScheduleView => {
    const { id } = engine.getSchedule(name);
    const found = engine.listSchedules().find((s) => s.schedule.id === id);
    if (!found) throw new Error(`The schedule '${name}' disappeared while it was read`);
    return view(found);
  };
  const validSpec = (spec: unknown, where = 'spec') => {
    const result = validateSchedule(spec);
    if (!result.ok) throw new ValidationError(result.problems.map((p) => ({ path: p.path ? `${where}.${p.path}` : where, message: p.message })));
    return result.value;
  };
  const settingsView = () => ({ ...DEFAULT_SETTINGS, ...exportScheduleFile(engine.store).settings }) as Record<string, unknown>;

  return {
    listSchedules: async () => engine.listSchedules().map(view),

    getSchedule: async (args) => viewOf(parseArgs(ARGS.name, args).name),

    async createSchedule(args) {
      const spec = validSpec(parseArgs(ARGS.spec, args).spec);
      const existing = engine.store.schedules.getByName(spec.name);
      if (existing) {
        throw new ValidationError([{ path: 'spec.name', message: nameTakenMessage(spec.name, existing.name, 'use updateSchedule to change it') }]);
      }
      engine.saveSchedule(spec);
      return viewOf(spec.name);
    },

    async updateSchedule(args) {
      const { name, spec: raw } = parseArgs(ARGS.update, args);
      // `name` finds the schedule ignoring case; the spec keeps the stored spelling.
      const current = engine.getSchedule(name).name;
      const named = isObject(raw) && raw.name === undefined ? { ...raw, name: current } : raw;
      const spec = validSpec(named);
      if (spec.name !== current) {
        const cased = scheduleNameKey(spec.name) === scheduleNameKey(current) ? ' (not even of letter case: schedule names are compared ignoring case)' : '';
        throw new ValidationError([{ path: 'spec.name', message: `Renaming is not supported${cased}: \`spec.name\` is '${spec.name}' but the schedule is '${current}'; create a new schedule and delete the old one` }]);
      }
      engine.saveSchedule(spec);
      return viewOf(current);
    },

    async deleteSchedule(args) {
      engine.deleteSchedule(parseArgs(ARGS.name, args).name);
    },

    async setEnabled(args) {
      const { name, enabled } = parseArgs(ARGS.enabled, args);
      engine.setEnabled(name, enabled);
      return viewOf(name);
    },

    async setPaused(args) {
      const { name, paused } = parseArgs(ARGS.paused, args);
      engine.setPaused(name, paused);
      return viewOf(name);
    },

    async validateSchedule(args) {
      try {
        return validateSchedule(parseArgs(ARGS.spec, args).spec);
      } catch (error) {
        return { ok: false, problems: error instanceof ValidationError ? error.problems : [{ path: '', message: String(error) }] };
      }
    },

    async nextOccurrences(args) {
      const { cron, timezone = hostTimezone(), count = 10 } = parseArgs(ARGS.next, args);
      if (!isValidTimezone(timezone)) {
        throw new ValidationError([{ path: 'timezone', message: `Unknown time zone \`${timezone}\` (expected an IANA name such as Europe/London)` }]);
      }
      let parsed;
      try {
        parsed = parseCron(cron, timezone);
      } catch (error) {
        throw new ValidationError([{ path: 'cron', message: (error as Error).message }]);
      }
      return { times: nextOccurrences(parsed, engine.clock.now(), count), description: describeCron(cron) };
    },

    async trigger(args) {
      const { name, parameters, timeoutSeconds } = parseArgs(ARGS.trigger, args);
      return runView(engine.trigger(name, { triggeredBy: UI_ACTOR, parameters, timeoutSeconds }));
    },

    cancelRun: async (args) => runView(engine.cancel(parseArgs(ARGS.id, args).id, UI_ACTOR)),

    async listRuns(args) {
      const query = parseArgs(ARGS.runs, args);
      const limit = query.limit ?? 50;
      const scheduleId = query.schedule === undefined ? undefined : engine.getSchedule(query.schedule).id;
      const rows = engine.listRuns({ scheduleId, statuses: query.statuses, from: query.from, to: query.to, before: query.before, limit: limit + 1 });
      const runs = rows.slice(0, limit).map(runView);
      const last = runs[runs.length - 1];
      return { runs, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    async getRun(args) {
      const run = engine.getRun(parseArgs(ARGS.id, args).id);
      const chain = engine.listRuns({ chainId: run.chainId, limit: 1000 }).sort((a, b) => a.attempt - b.attempt);
      return { run: runView(run), chain: chain.map(runView) };
    },

    async readOutput(args) {
      const { id, stream, offset, length } = parseArgs(ARGS.output, args);
      return engine.readOutput(id, stream, { offset, length });
    },

    listConnections: async () => engine.store.connections.list().map(connectionView),

    async saveConnection(args) {
      const connection = validConnection(parseArgs(ARGS.connection, args).connection);
      saveConnection(engine.store, connection, engine.clock.now(), 'connection.name');
      const saved = engine.store.connections.get(connection.name);
      return connectionView(saved ?? connection);
    },

    async testConnection(args) {
      const result = await engine.testConnection(parseArgs(ARGS.name, args).name);
      return { ok: result.ok, message: engine.store.redactor.redact(result.message) };
    },

    async testNotify(args) {
      const { email, webhook } = parseArgs(ARGS.testNotify, args);
      const results = await sendTestNotifications(engine.store, { email, webhook, host: hostname(), now: engine.clock.now() });
      const redact = (text: string) => engine.store.redactor.redact(text);
      return { results: results.map((r) => ({ ...r, target: redact(r.target), error: r.error === null ? null : redact(r.error) })) };
    },

    getSettings: async () => settingsView(),

    async saveSettings(args) {
      const raw = parseArgs(ARGS.settings, args).settings;
      const result = validateScheduleFile({ settings: raw });
      if (!result.ok) throw new ValidationError(result.problems.map((p) => relocate(p, /^settings(?: › )?/, 'settings')));
      saveSettings(engine.store, result.value.settings);
      return settingsView();
    },

    async importFile(args) {
      const { text, replace } = parseArgs(ARGS.importFile, args);
      const parsed = parseScheduleFileText(text);
      if (!parsed.ok) return { ok: false, problems: parsed.problems };
      try {
        return { ok: true, summary: engine.importFile(parsed.value, { replace }) };
      } catch (error) {
        if (error instanceof ValidationError) return { ok: false, problems: error.problems };
        throw error;
      }
    },

    exportFile: async () => ({ text: `${JSON.stringify(engine.exportFile(), null, 2)}\n` }),

    engineState: async () => engine.state(),

    async setPausedAll(args) {
      engine.setPausedAll(parseArgs(ARGS.pausedAll, args).paused);
      return engine.state();
    },
  };
}

/**
 * A run as a UI sees it: trigger-time overrides of parameters the schedule marks secret read
 * "<secret>" (all of them when the schedule is gone and nobody can tell which were secret).
 */
export function createRunView(engine: Pick<Engine, 'store'>): (run: Run) => Run {
  return (run) => {
    if (!run.parameterOverrides) return run;
    const schedule = engine.store.schedules.getById(run.scheduleId);
    const secret = new Set(schedule?.parameters.filter((p) => p.secret === true).map((p) => p.name.toLowerCase()));
    const hidden = Object.entries(run.parameterOverrides).map(([key, value]) => [key, !schedule || secret.has(key.toLowerCase()) ? SECRET_PLACEHOLDER : value]);
    return { ...run, parameterOverrides: Object.fromEntries(hidden) as Record<string, string> };
  };
}

/** A cron expression in words ("At 02:30, Monday through Friday"); the expression itself if cronstrue cannot say. */
export function describeCron(cron: string): string {
  try {
    return cronstrue.toString(cron.trim(), { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return cron.trim();
  }
}

/** Validates one connection with the schedule file's connection rules; paths are relative to `connection`. */
export function validConnection(input: unknown): ConnectionSpec {
  const result = validateScheduleFile({ connections: [input] });
  if (result.ok && result.value.connections[0]) return result.value.connections[0];
  const problems = result.ok ? [{ path: '', message: 'The connection could not be read' }] : result.problems;
  throw new ValidationError(problems.map((p) => relocate(p, /^connections\[0\](?: "(?:[^"\\]|\\.)*")?(?: › )?/, 'connection')));
}

function connectionView(connection: ConnectionSpec): ConnectionView {
  return { name: connection.name, type: connection.type, connectionStringSet: connection.connectionString !== '' };
}

/** Moves a file-level problem path (`connections[0] "x" › type`) under the argument name (`connection.type`). */
function relocate(problem: Problem, prefix: RegExp, argument: string): Problem {
  const rest = problem.path.replace(prefix, '');
  return { path: rest ? `${argument}.${rest}` : argument, message: problem.message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
