/**
 * Case 2 in the parent: the engine and two bare execa baselines, interleaved round by round so
 * that a burst of other work on the machine hurts every side alike; each variant's median round
 * counts (a best-of picks one lucky round and made the ratios swing on a shared machine).
 */
import { runCase } from './case-process.ts';
import type { ProcessBenchResult, Side } from './process-bench.ts';
import { fmt, markdownTable, textTable } from './stats.ts';

type Mode = ProcessBenchResult['mode'];

/** Everything case 2 measured: every round, and the median round (by wall time) of each variant. */
export interface ProcessCase {
  rounds: number;
  all: ProcessBenchResult[];
  median: Record<Mode, Record<Side, ProcessBenchResult>>;
}

const MODES: Mode[] = ['sequential', 'concurrent'];
const SIDES: Side[] = ['engine', 'execa', 'execa-detached'];
const LABELS: Record<Side, string> = {
  engine: 'engine',
  execa: 'bare execa (defaults)',
  'execa-detached': 'bare execa (stdin ignore, detached)',
};
const HEADER = ['variant', 'runs', 'failures', 'wall s', 'runs/s', 'per-run p50 ms', 'p99 ms', 'engine time ÷ this', 'CPU s', 'peak RSS MiB'];

/** The number of rounds (env BENCH_PROCESS_ROUNDS, default 3). */
function rounds(): number {
  const raw = process.env.BENCH_PROCESS_ROUNDS ?? '3';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected \`BENCH_PROCESS_ROUNDS\` to be a whole number >= 1, got \`${raw}\``);
  return n;
}

/** Runs case 2's children one after another, every side in turn, round by round. */
export async function runProcessCase(): Promise<ProcessCase> {
  const n = rounds();
  console.log(`\nCase 2: 200 runs of \`node -e 0\`, engine against bare execa, median of ${n} round(s) (BENCH_PROCESS_ROUNDS)`);
  const all: ProcessBenchResult[] = [];
  for (let round = 1; round <= n; round += 1) {
    for (const mode of MODES) {
      for (const side of SIDES) all.push(await runCase<ProcessBenchResult>('process-bench.ts', [side, mode]));
    }
  }
  const medianOf = (side: Side, mode: Mode) => {
    const sorted = all.filter((r) => r.side === side && r.mode === mode).sort((a, b) => a.wallSeconds - b.wallSeconds);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  const median = Object.fromEntries(
    MODES.map((m) => [m, Object.fromEntries(SIDES.map((s) => [s, medianOf(s, m)]))]),
  ) as ProcessCase['median'];
  return { rounds: n, all, median };
}

const ratio = (c: ProcessCase, mode: Mode, baseline: Side) => c.median[mode].engine.wallSeconds / c.median[mode][baseline].wallSeconds;

function rows(c: ProcessCase): string[][] {
  return MODES.flatMap((mode) =>
    SIDES.map((side) => {
      const r = c.median[mode][side];
      return [
        `${LABELS[side]}, ${mode} (${r.parallelism} at a time)`,
        String(r.runs),
        String(r.failures),
        fmt(r.wallSeconds, 2),
        fmt(r.runsPerSecond, 1),
        fmt(r.perRun.p50, 1),
        fmt(r.perRun.p99, 1),
        side === 'engine' ? '—' : `${fmt(ratio(c, mode, side), 2)}x`,
        fmt(r.cost.cpuSeconds, 2),
        fmt(r.cost.peakRssMiB, 0),
      ];
    }),
  );
}

/** The aim of case 2 per mode and baseline, with whether this run met it. */
export function processAims(c: ProcessCase): string[] {
  return MODES.flatMap((mode) =>
    (['execa', 'execa-detached'] as const).map((baseline) => {
      const r = ratio(c, mode, baseline);
      return `${mode}: engine within 1.2x of ${LABELS[baseline]}: ${fmt(r, 2)}x → ${r <= 1.2 ? 'met' : 'MISSED'}`;
    }),
  );
}

/** Prints case 2 for the terminal, every round first. */
export function printProcessCase(c: ProcessCase): void {
  console.log(`\nCase 2 rounds (wall s): ${c.all.map((r) => `${r.side} ${r.mode} ${fmt(r.wallSeconds, 2)}`).join('; ')}`);
  console.log(`Case 2 results (median of ${c.rounds} rounds; CPU is the benchmark process only, not the \`node -e 0\` children)`);
  console.log(textTable(HEADER, rows(c)));
  for (const aim of processAims(c)) console.log(`aim: ${aim}`);
}

/** Case 2 as markdown for the README. */
export function processMarkdown(c: ProcessCase): string {
  return markdownTable(HEADER, rows(c));
}
