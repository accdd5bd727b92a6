/**
 * A schedule name is one name whatever its letter case, in the store as in a schedule file (whose
 * validator refuses "nightly" next to "Nightly"): lookups find a schedule in any case, a second
 * spelling is refused rather than stored beside the first, and so every export imports back.
 */
import { describe, expect, it } from 'vitest';
import { validateScheduleFile, type ScheduleFile } from '../../src-main/engine/config/validate.ts';
import { ValidationError } from '../../src-main/engine/errors.ts';
import { makeEngine, nodeJob, scheduleSpec, tempDir, waitForEnd } from '../helpers/engine-harness.ts';

function file(name: string, script = 'console.log(1)'): ScheduleFile {
  const result = validateScheduleFile({ schedules: [{ name, cron: '0 0 1 1 *', timezone: 'UTC', job: nodeJob(script) }] });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function refusal(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('schedule names ignore letter case', () => {
  it('importing "Nightly" when "nightly" is stored is refused, naming both spellings and the file path', () => {
    const engine = makeEngine();
    engine.importFile(file('nightly'));
    const error = refusal(() => engine.importFile(file('Nightly', 'console.log(2)')));
    expect(error.problems).toEqual([
      { path: 'schedules[0] "Nightly" › name', message: expect.stringMatching(/'nightly'.*'Nightly'.*ignoring case/) },
    ]);
    expect(engine.listSchedules().map((s) => s.schedule.name)).toEqual(['nightly']);
    expect((engine.getSchedule('nightly').job as { arguments: string[] }).arguments).toEqual(['-e', 'console.log(1)']);
  });

  it('after importing "nightly" then "Nightly" the export validates and imports into a new data folder', () => {
    const engine = makeEngine();
    engine.importFile(file('nightly'));
    try {
      engine.importFile(file('Nightly'));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
    const exported = JSON.parse(JSON.stringify(engine.exportFile())) as unknown;
    const checked = validateScheduleFile(exported);
    expect(checked.ok && checked.value.schedules.map((s) => s.name)).toEqual(['nightly']);
    const restored = makeEngine({ dataDir: tempDir() });
    expect(checked.ok && restored.importFile(checked.value).created).toEqual(['nightly']);
  });

  it('importing with --replace gives the stored schedule the file\'s spelling and keeps its run history', async () => {
    const engine = makeEngine({ notifications: false });
    engine.importFile(file('nightly'));
    const before = engine.getSchedule('nightly');
    await engine.start({ scheduling: false });
    const run = await waitForEnd(engine, engine.trigger('nightly').id);

    const summary = engine.importFile(file('Nightly', 'console.log(2)'), { replace: true });

    expect(summary).toMatchObject({ created: [], updated: ['Nightly'], removed: [] });
    const after = engine.listSchedules().map((s) => s.schedule);
    expect(after.map((s) => [s.id, s.name])).toEqual([[before.id, 'Nightly']]);
    expect(engine.listRuns({ scheduleId: before.id }).map((r) => r.id)).toEqual([run.id]);
    expect(validateScheduleFile(JSON.parse(JSON.stringify(engine.exportFile()))).ok).toBe(true);
  });

  it('saving "Nightly" when "nightly" is stored is refused on `name`, and the exact spelling updates it', () => {
    const engine = makeEngine();
    const stored = engine.saveSchedule(scheduleSpec({ name: 'nightly', job: nodeJob('1') }));
    const error = refusal(() => engine.saveSchedule(scheduleSpec({ name: 'Nightly', job: nodeJob('2') })));
    expect(error.problems).toEqual([{ path: 'name', message: expect.stringMatching(/'nightly'.*'Nightly'.*ignoring case/) }]);
    expect(engine.saveSchedule(scheduleSpec({ name: 'nightly', description: 'changed', job: nodeJob('3') })).id).toBe(stored.id);
    expect(engine.listSchedules()).toHaveLength(1);
  });

  it('a name with non-ASCII letters is the same name in another case', () => {
    const engine = makeEngine();
    engine.saveSchedule(scheduleSpec({ name: 'Ärger-Bericht', job: nodeJob('1') }));
    expect(engine.getSchedule('ärger-bericht').name).toBe('Ärger-Bericht');
    expect(() => engine.saveSchedule(scheduleSpec({ name: 'ÄRGER-BERICHT', job: nodeJob('2') }))).toThrow(ValidationError);
  });

  it('getSchedule, pause, trigger and delete find a schedule by its name in another case', async () => {
    const engine = makeEngine({ notifications: false });
    const stored = engine.saveSchedule(scheduleSpec({ name: 'Nightly-Load', job: nodeJob('console.log("ran")') }));
    expect(engine.getSchedule('nightly-load').id).toBe(stored.id);
    expect(engine.setPaused('NIGHTLY-LOAD', true).paused).toBe(true);
    await engine.start({ scheduling: false });
    const run = await waitForEnd(engine, engine.trigger('nightly-load').id);
    expect(run).toMatchObject({ scheduleId: stored.id, status: 'succeeded' });
    engine.deleteSchedule('nightly-LOAD');
    expect(engine.listSchedules()).toEqual([]);
  });
});

describe('connection names ignore letter case too', () => {
  const withConnection = (name: string, schedules: unknown[] = []) => {
    const result = validateScheduleFile({ schedules, connections: [{ name, type: 'postgres', connectionString: `postgres://u:p@127.0.0.1:1/${name}` }] });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.value;
  };

  it('importing connection "DB" when "db" is stored is refused, naming both, and nothing changes', () => {
    const engine = makeEngine();
    engine.importFile(withConnection('db'));
    const error = refusal(() => engine.importFile(withConnection('DB')));
    expect(error.problems).toEqual([
      { path: 'connections[0] "DB" › name', message: expect.stringMatching(/A connection named 'db' already exists \('DB' is the same name: connection names are compared ignoring case\)/) },
    ]);
    expect(engine.store.connections.list().map((c) => [c.name, c.connectionString])).toEqual([['db', 'postgres://u:p@127.0.0.1:1/db']]);
  });

  it('a SQL job naming its connection in another case finds it, and the import warns of nothing', () => {
    const engine = makeEngine();
    const sqlJob = { name: 'report', cron: '0 0 1 1 *', timezone: 'UTC', job: { type: 'sql', connection: 'REPORTING', procedure: 'dbo.Nightly' } };
    const summary = engine.importFile(withConnection('reporting', [sqlJob]));
    expect(summary.warnings).toEqual([]);
    expect(engine.store.connections.get('REPORTING')?.name).toBe('reporting');
  });
});
