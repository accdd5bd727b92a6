import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src-main/engine/clock.ts';
import { createTicker, RETRY_AFTER_FAILURE_MS } from '../../src-main/engine/scheduler/ticker.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';

const START = Date.parse('2026-01-05T10:00:00Z');

function setup() {
  const clock = createFakeClock(START);
  const wakes: number[] = [];
  const ticker = createTicker(clock, (now) => wakes.push(now - START));
  return { clock, wakes, ticker };
}

/** A ticker whose first wake throws "store is locked"; `errors` collects what onError gets. */
function firstWakeThrows() {
  const clock = createFakeClock(START);
  const errors: string[] = [];
  const wakes: number[] = [];
  const ticker = createTicker(
    clock,
    (now) => {
      wakes.push(now - START);
      if (wakes.length === 1) throw new Error('store is locked');
    },
    (error) => errors.push(error.message),
  );
  return { clock, wakes, errors, ticker };
}

describe('createTicker', () => {
  it('wakes exactly at a target a few seconds away', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START + 5_000);
    clock.advance(4_999);
    expect(wakes).toEqual([]);
    clock.advance(1);
    expect(wakes).toEqual([5_000]);
  });

  it('reaches a target a day away through timers of at most 60 s', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START + 86_400_000 + 123);
    clock.advance(86_400_000 + 123);
    expect(wakes.at(-1)).toBe(86_400_000 + 123);
    expect(Math.max(...clock.requestedDelays)).toBe(MAX_TIMER_MS);
    expect(clock.requestedDelays.every((ms) => ms >= 0 && ms <= MAX_TIMER_MS)).toBe(true);
  });

  it('wakes every 60 s without a target, so clock jumps are noticed', () => {
    const { clock, wakes } = setup();
    clock.advance(180_000);
    expect(wakes).toEqual([60_000, 120_000, 180_000]);
  });

  it('an early wake (clock set back while waiting) does not call onWake and re-arms for the rest', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START + 30_000);
    clock.jumpWall(-10_000);
    clock.advance(30_000);
    expect(wakes).toEqual([]);
    expect(clock.pendingTimers()).toEqual([{ dueInMs: 10_000, requestedMs: 10_000 }]);
    clock.advance(10_000);
    expect(wakes).toEqual([30_000]);
  });

  it('a wall clock jumping past the target wakes within 60 s', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START + 3_600_000);
    clock.jumpWall(2 * 3_600_000);
    clock.advance(MAX_TIMER_MS);
    expect(wakes).toEqual([2 * 3_600_000 + MAX_TIMER_MS]);
  });

  it('after a suspend, wakes once the pending timer has run its remaining monotonic time', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START + 600_000);
    clock.advance(20_000);
    clock.suspend(7_200_000);
    expect(wakes).toEqual([]);
    clock.advance(40_000);
    expect(wakes).toEqual([7_200_000 + 60_000]);
  });

  it('a target in the past wakes at once, not synchronously inside wakeAt', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START - 1_000);
    expect(wakes).toEqual([]);
    clock.runAllDue();
    expect(wakes).toEqual([0]);
  });

  it('a reached target is cleared, so the ticker does not spin when the engine sets no new one', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START + 1_000);
    clock.advance(1_000);
    clock.advance(60_000);
    expect(wakes).toEqual([1_000, 61_000]);
  });

  it('wakeAt from inside onWake takes effect after it returns, with no re-entrant call', () => {
    const clock = createFakeClock(START);
    const wakes: number[] = [];
    let depth = 0;
    const ticker = createTicker(clock, (now) => {
      depth += 1;
      expect(depth).toBe(1);
      wakes.push(now - START);
      ticker.wakeAt(now);
      ticker.wakeAt(now + 2_000);
      depth -= 1;
    });
    ticker.wakeAt(START + 1_000);
    clock.advance(5_000);
    expect(wakes).toEqual([1_000, 3_000, 5_000]);
    expect(clock.pendingTimers()).toHaveLength(1);
  });

  it('keeps running after onWake throws, and reports the error', () => {
    const { clock, wakes, errors, ticker } = firstWakeThrows();
    ticker.wakeAt(START + 1_000);
    clock.advance(1_000);
    ticker.wakeAt(START + 2_000);
    clock.advance(1_000);
    expect(errors).toEqual(['store is locked']);
    expect(wakes).toEqual([1_000, 2_000]);
  });

  it('a wake at its target that throws is tried again a second later, not at the next regular wake', () => {
    const { clock, wakes, ticker } = firstWakeThrows();
    ticker.wakeAt(START + 1_000);
    clock.advance(1_000);
    clock.advance(RETRY_AFTER_FAILURE_MS);
    expect(wakes).toEqual([1_000, 1_000 + RETRY_AFTER_FAILURE_MS]);
  });

  it('without onError, a throwing onWake surfaces the error and the ticker still re-arms', () => {
    const clock = createFakeClock(START);
    const ticker = createTicker(clock, () => {
      throw new Error('boom');
    });
    ticker.wakeAt(START + 1_000);
    expect(() => clock.advance(1_000)).toThrow('boom');
    expect(clock.pendingTimers()).toHaveLength(1);
  });

  it('stop clears the timer and no wake follows', () => {
    const { clock, wakes, ticker } = setup();
    ticker.wakeAt(START + 1_000);
    ticker.stop();
    clock.advance(120_000);
    expect(wakes).toEqual([]);
    expect(clock.pendingTimers()).toEqual([]);
  });

  it('rejects a target that is not a number of milliseconds', () => {
    const { ticker } = setup();
    expect(() => ticker.wakeAt(Number.NaN)).toThrow(/`epochMs`/);
  });
});
