import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../helpers/fake-clock.ts';

const START = Date.parse('2026-01-05T10:00:00Z');

describe('createFakeClock', () => {
  it('advance fires timers in monotonic order, each seeing both clocks at its due time', () => {
    const clock = createFakeClock(START);
    const seen: string[] = [];
    const note = (name: string) => () => seen.push(`${name} wall+${clock.now() - START} mono=${clock.monotonic()}`);
    clock.setTimeout(note('b'), 200);
    clock.setTimeout(note('a'), 100);
    clock.setTimeout(note('c'), 200);
    clock.advance(250);
    expect(seen).toEqual(['a wall+100 mono=100', 'b wall+200 mono=200', 'c wall+200 mono=200']);
    expect(clock.now()).toBe(START + 250);
    expect(clock.monotonic()).toBe(250);
  });

  it('a timer armed inside a callback fires in the same advance when it falls due within it', () => {
    const clock = createFakeClock(START);
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.monotonic());
      clock.setTimeout(tick, 30);
    };
    clock.setTimeout(tick, 30);
    clock.advance(100);
    expect(fired).toEqual([30, 60, 90]);
    expect(clock.pendingTimers()).toEqual([{ dueInMs: 20, requestedMs: 30 }]);
  });

  it('a wall-clock change moves neither monotonic time nor timers', () => {
    const clock = createFakeClock(START);
    let fired = false;
    clock.setTimeout(() => (fired = true), 1_000);
    clock.setWall(START + 86_400_000);
    clock.jumpWall(-3_600_000);
    expect(fired).toBe(false);
    expect(clock.now()).toBe(START + 82_800_000);
    expect(clock.monotonic()).toBe(0);
    clock.advance(1_000);
    expect(fired).toBe(true);
  });

  it('suspend moves the wall clock only; the pending timer then fires after its remaining time', () => {
    const clock = createFakeClock(START);
    const firedAt: number[] = [];
    clock.setTimeout(() => firedAt.push(clock.now() - START), 60_000);
    clock.advance(10_000);
    clock.suspend(7_200_000);
    expect(firedAt).toEqual([]);
    expect(clock.pendingTimers()).toEqual([{ dueInMs: 50_000, requestedMs: 60_000 }]);
    clock.advance(50_000);
    expect(firedAt).toEqual([7_260_000]);
  });

  it('clearTimeout cancels, and runAllDue fires only what is due now', () => {
    const clock = createFakeClock(START);
    const fired: string[] = [];
    const cancelled = clock.setTimeout(() => fired.push('cancelled'), 0);
    clock.setTimeout(() => fired.push('now'), 0);
    clock.setTimeout(() => fired.push('later'), 5);
    clock.clearTimeout(cancelled);
    clock.runAllDue();
    expect(fired).toEqual(['now']);
  });

  it('a delay beyond 2^31-1 ms fires after 1 ms, as in Node, and is recorded as requested', () => {
    const clock = createFakeClock(START);
    let fired = false;
    clock.setTimeout(() => (fired = true), 40 * 86_400_000);
    clock.advance(1);
    expect(fired).toBe(true);
    expect(clock.requestedDelays).toEqual([40 * 86_400_000]);
  });

  it('a timer re-arming itself with 0 ms is reported instead of hanging the test', () => {
    const clock = createFakeClock(START);
    const spin = () => clock.setTimeout(spin, 0);
    clock.setTimeout(spin, 0);
    expect(() => clock.advance(1)).toThrow(/re-arms itself with 0 ms/);
  });
});
