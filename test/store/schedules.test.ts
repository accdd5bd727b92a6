/**
 * Schedules are parsed and decrypted once per stored version and then shared; these check that
 * the shared copy never goes stale or gets changed in place: a schedule rewritten by another
 * process (the CLI importing while an engine serves) is read as rewritten at once, secrets
 * included, and no caller can alter what the next caller reads.
 */
import { describe, expect, it } from 'vitest';
import { validateScheduleFile } from '../../src-main/engine/config/validate.ts';
import { openStore } from '../../src-main/engine/store/store.ts';
import type { ProcessJob, ScheduleSpec } from '../../src-main/engine/types.ts';
import { onCleanup, tempDir } from '../helpers/engine-harness.ts';

function open(dir: string) {
  const store = openStore(dir);
  onCleanup(() => store.close());
  return store;
}

function spec(argument: string, token: string): ScheduleSpec {
  const file = validateScheduleFile({
    schedules: [{
      name: 'nightly',
      cron: '0 2 * * *',
      job: { type: 'process', executablePath: 'node', arguments: ['-e', argument] },
      parameters: [{ name: 'Token', type: 'string', value: token, secret: true }],
    }],
  });
  if (!file.ok) throw new Error(JSON.stringify(file.problems));
  return file.value.schedules[0]!;
}

describe('schedules', () => {
  it('a schedule rewritten by another process is read as rewritten, its secrets decrypted', () => {
    const dir = tempDir();
    const engineSide = open(dir);
    engineSide.schedules.upsert(spec('first', 'token-one'), 1);
    expect((engineSide.schedules.getByName('nightly')!.job as ProcessJob).arguments).toEqual(['-e', 'first']);

    open(dir).schedules.upsert(spec('second', 'token-two'), 2);

    const read = engineSide.schedules.getByName('nightly')!;
    expect((read.job as ProcessJob).arguments).toEqual(['-e', 'second']);
    expect(read.parameters[0]!.value).toBe('token-two');
    expect(engineSide.schedules.getById(read.id)!.parameters[0]!.value).toBe('token-two');
  });

  it('a schedule handed out cannot be changed in place, so the next reader gets it as stored', () => {
    const store = open(tempDir());
    store.schedules.upsert(spec('first', 'token-one'), 1);
    const handed = store.schedules.getByName('nightly')!;
    expect(() => (handed.job as ProcessJob).arguments.push('--extra')).toThrow(TypeError);
    expect(() => {
      handed.parameters[0]!.value = 'changed';
    }).toThrow(TypeError);
    const next = store.schedules.getByName('nightly')!;
    expect((next.job as ProcessJob).arguments).toEqual(['-e', 'first']);
    expect(next.parameters[0]!.value).toBe('token-one');
  });

  it('a schedule deleted and created again under its name is read as the new one', () => {
    const store = open(tempDir());
    const old = store.schedules.upsert(spec('first', 'token-one'), 1);
    store.schedules.remove(old.id);
    const created = store.schedules.upsert(spec('again', 'token-two'), 2);
    const read = store.schedules.getByName('nightly')!;
    expect(read.id).toBe(created.id);
    expect(read.id).not.toBe(old.id);
    expect((read.job as ProcessJob).arguments).toEqual(['-e', 'again']);
  });
});
