/**
 * The lease's fence, on a real SQLite file: it lets the engine that holds the lease write, and
 * refuses inside the transaction once the row names another engine, including after the machine
 * slept (the wall clock moved, the monotonic clock did not), which is how other engines judge it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/engine/store/db.ts';
import { acquireLease, HeldLease, LEASE_STALE_MS, LeaseLostError } from '../../src-main/engine/store/lease.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function setUp() {
  const dir = tempDir('batchlight-lease-');
  const db = openDatabase(path.join(dir, 'batchlight.db'));
  const clock = createFakeClock(Date.parse('2026-05-04T10:00:00Z'));
  const fenced = (lease: HeldLease) => db.transaction(() => lease.fence()).immediate();
  return { dir, db, clock, fenced };
}

describe('the lease fence', () => {
  it('after the machine slept past the stale threshold, refuses once another engine took the lease', () => {
    const { dir, db, clock, fenced } = setUp();
    const lease = new HeldLease(db, 'engine-a', clock);
    lease.acquire('host-a', 1001, dir);
    fenced(lease);
    clock.suspend(LEASE_STALE_MS + 5_000);
    acquireLease(db, { owner: 'engine-b', host: 'host-b', pid: 2002, startedAt: clock.now(), heartbeatAt: clock.now() }, dir);

    expect(() => fenced(lease)).toThrow(LeaseLostError);
    expect(() => fenced(lease)).toThrow(/the engine with pid 2002 on host-b .* took it over/);
  });

  it('lets an engine that has not taken the lease write (the CLI queueing a run for the serving engine)', () => {
    const { dir, db, clock, fenced } = setUp();
    acquireLease(db, { owner: 'serving', host: 'host-b', pid: 2002, startedAt: clock.now(), heartbeatAt: clock.now() }, dir);
    const cli = new HeldLease(db, 'cli', clock);
    clock.advance(LEASE_STALE_MS);
    expect(() => fenced(cli)).not.toThrow();
  });
});
