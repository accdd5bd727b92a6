/**
 * A Clock for tests whose wall and monotonic time can diverge, as they do on a real machine:
 * timers run on monotonic time, while the wall clock can be set, jump (NTP, a person) or race
 * ahead during sleep. Nothing here runs on its own; the test moves time.
 */
import type { Clock, TimerHandle } from '../../src-main/engine/clock.ts';

/** Node's largest delay; a longer one (or NaN) fires after 1 ms, as Node does. */
const NODE_TIMEOUT_MAX = 2 ** 31 - 1;
/** Fires at one monotonic instant beyond this mean a timer re-arms itself with 0 ms forever. */
const MAX_FIRES_PER_INSTANT = 10_000;

interface FakeTimer {
  seq: number;
  due: number;
  requestedMs: number;
  fn: () => void;
}

/** A pending timer as a test sees it. */
export interface PendingTimer {
  /** Monotonic milliseconds until it fires. */
  dueInMs: number;
  /** The delay it was armed with. */
  requestedMs: number;
}

/** The fake clock and the controls a test uses to move time. */
export interface FakeClock extends Clock {
  /** Lets `ms` pass on both clocks, firing due timers in monotonic order, each at its due time. */
  advance(ms: number): void;
  /** Sets the wall clock only (a clock change); no timer fires. */
  setWall(epochMs: number): void;
  /** Moves the wall clock only by `deltaMs` (NTP, a person, a DST-unaware admin); no timer fires. */
  jumpWall(deltaMs: number): void;
  /** The machine sleeps `ms`: the wall clock moves, monotonic time and timers do not. */
  suspend(ms: number): void;
  /**
   * The process is frozen `ms` (SIGSTOP, a paused VM): both clocks move, and the timers that came
   * due meanwhile fire only when the test lets them (runAllDue, advance), in due order.
   */
  freeze(ms: number): void;
  /** Fires the timers already due (armed with 0 ms) without moving time. */
  runAllDue(): void;
  /** The timers not yet fired, soonest first. */
  pendingTimers(): PendingTimer[];
  /** Every delay passed to setTimeout, in order, as requested (before Node's clamping). */
  readonly requestedDelays: readonly number[];
}

/** Creates a fake clock whose wall clock starts at `startWallMs` and monotonic clock at 0. */
export function createFakeClock(startWallMs: number): FakeClock {
  let wall = startWallMs;
  let mono = 0;
  let seq = 0;
  const timers: FakeTimer[] = [];
  const requestedDelays: number[] = [];

  const soonest = (): FakeTimer | undefined =>
    timers.reduce<FakeTimer | undefined>((a, t) => (!a || t.due < a.due || (t.due === a.due && t.seq < a.seq) ? t : a), undefined);

  const fireUntil = (end: number) => {
    let firesAtInstant = 0;
    for (let timer = soonest(); timer && timer.due <= end; timer = soonest()) {
      firesAtInstant = timer.due === mono ? firesAtInstant + 1 : 1;
      if (firesAtInstant > MAX_FIRES_PER_INSTANT) {
        throw new Error(`Fake clock: more than ${MAX_FIRES_PER_INSTANT} timers fired at one instant; a timer re-arms itself with 0 ms`);
      }
      timers.splice(timers.indexOf(timer), 1);
      // A timer overdue after a freeze fires now: time does not go back for it.
      wall += Math.max(0, timer.due - mono);
      mono = Math.max(mono, timer.due);
      timer.fn();
    }
  };

  return {
    now: () => wall,
    monotonic: () => mono,
    setTimeout(fn, ms) {
      requestedDelays.push(ms);
      const delay = Number.isNaN(ms) || ms > NODE_TIMEOUT_MAX ? 1 : Math.max(0, ms);
      const timer: FakeTimer = { seq: seq++, due: mono + delay, requestedMs: ms, fn };
      timers.push(timer);
      return { timer, unref: () => undefined } as TimerHandle;
    },
    clearTimeout(handle) {
      const timer = (handle as { timer?: FakeTimer }).timer;
      const index = timer ? timers.indexOf(timer) : -1;
      if (index >= 0) timers.splice(index, 1);
    },
    advance(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`Expected \`ms\` to be a finite number >= 0, got ${ms}`);
      const end = mono + ms;
      fireUntil(end);
      wall += end - mono;
      mono = end;
    },
    setWall(epochMs) {
      wall = epochMs;
    },
    jumpWall(deltaMs) {
      wall += deltaMs;
    },
    suspend(ms) {
      wall += ms;
    },
    freeze(ms) {
      wall += ms;
      mono += ms;
    },
    runAllDue() {
      fireUntil(mono);
    },
    pendingTimers() {
      return [...timers]
        .sort((a, b) => a.due - b.due || a.seq - b.seq)
        .map((t) => ({ dueInMs: t.due - mono, requestedMs: t.requestedMs }));
    },
    requestedDelays,
  };
}
