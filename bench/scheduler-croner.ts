/**
 * Case 1, baseline side (a child process): 1,000 bare croner jobs firing every second, each
 * callback only noting how late it ran; no persistence. This is the floor the engine is
 * compared with. croner only fires a job once the wall clock has reached its target (an early
 * timer re-arms), so a callback's occurrence is the whole second it runs in, as long as it runs
 * less than a second late.
 *
 * Argument `zone`: `none` (default) is `new Cron(pattern, fn)`, croner on the host's local
 * time; `utc` passes `{ timezone: 'UTC' }` as the engine does for its schedules, which makes
 * croner do its calendar arithmetic through Intl.DateTimeFormat and costs far more per fire.
 */
import { Cron } from 'croner';
import { benchSeconds, nextHalfSecond, progress, reportResult, sleepUntil } from './case-process.ts';
import { startCostMeter, summarise, type ProcessCost, type Summary } from './stats.ts';

/** What the croner side reports. */
export interface CronerSchedulerResult {
  side: 'croner';
  zone: 'none' | 'utc';
  seconds: number;
  jobs: number;
  window: { from: number; to: number };
  expected: number;
  /** Callbacks whose occurrence lies inside the window. */
  calls: number;
  /** Callbacks beyond one per (job, occurrence): must be 0. */
  duplicates: number;
  lateness: { started: Summary };
  cost: ProcessCost;
}

const JOBS = 1000;
const zone = process.argv[2] ?? 'none';
if (zone !== 'none' && zone !== 'utc') throw new Error(`Expected the zone argument to be \`none\` or \`utc\`, got \`${zone}\``);
const label = `croner ${zone}`;
const options = zone === 'utc' ? { timezone: 'UTC' } : {};

const seconds = benchSeconds();
const lateness: number[] = [];
const seen = new Set<string>();
let duplicates = 0;
let from = Infinity;
let to = -Infinity;

const jobs = Array.from({ length: JOBS }, (_, index) =>
  new Cron('* * * * * *', options, () => {
    const now = Date.now();
    const occurrence = Math.floor(now / 1000) * 1000;
    if (occurrence <= from || occurrence >= to) return;
    const key = `${index}@${occurrence}`;
    if (seen.has(key)) duplicates += 1;
    seen.add(key);
    lateness.push(now - occurrence);
  }),
);
progress(label, `${JOBS} croner jobs ('* * * * * *', ${zone === 'utc' ? "timezone 'UTC'" : 'no timezone'}), callbacks record lateness in memory only`);

from = nextHalfSecond(1000);
to = from + seconds * 1000;
await sleepUntil(from);
const meter = startCostMeter();
progress(label, `window ${new Date(from).toISOString()} → ${new Date(to).toISOString()} (${seconds} s)`);
await sleepUntil(to);
const cost = meter();
for (const job of jobs) job.stop();

const result: CronerSchedulerResult = {
  side: 'croner',
  zone,
  seconds,
  jobs: JOBS,
  window: { from, to },
  expected: JOBS * seconds,
  calls: lateness.length,
  duplicates,
  lateness: { started: summarise(lateness) },
  cost,
};
reportResult(result);
