/**
 * Small numeric and formatting helpers shared by the benchmark cases and the runner: percentile
 * summaries, what a child process measured about itself, and plain-text / markdown tables.
 */
import os from 'node:os';

/** Percentiles of a sample in milliseconds (nearest rank), so every case reports the same shape. */
export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summarises `values` (any order); an empty sample gives NaN figures and count 0. */
export function summarise(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    count: sorted.length,
    mean: sorted.length ? total / sorted.length : NaN,
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** What a case child measured about its own process, for side-by-side cost columns. */
export interface ProcessCost {
  /** User + system CPU seconds spent during the measured window only. */
  cpuSeconds: number;
  /** User + system CPU seconds since the child started (set-up included). */
  cpuSecondsTotal: number;
  /** Peak resident set size of the child, MiB (process.resourceUsage().maxRSS). */
  peakRssMiB: number;
  /** The machine's 1-minute load average at the end of the window: other work skews figures. */
  loadAverage: number;
}

/** Starts measuring CPU; call the returned function at the end of the measured window. */
export function startCostMeter(): () => ProcessCost {
  const before = process.cpuUsage();
  return () => {
    const window = process.cpuUsage(before);
    const total = process.cpuUsage();
    return {
      cpuSeconds: (window.user + window.system) / 1e6,
      cpuSecondsTotal: (total.user + total.system) / 1e6,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      loadAverage: os.loadavg()[0] ?? NaN,
    };
  };
}

/** The machine the figures came from, printed with every summary. */
export function machineInfo(): Record<string, string> {
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: String(cpus.length),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  };
}

/** Formats a number for a table: fixed decimals, or an em dash when missing. */
export function fmt(value: number | undefined, decimals = 1): string {
  return value === undefined || Number.isNaN(value) ? '—' : value.toFixed(decimals);
}

/** A table as aligned plain text, for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table as GitHub markdown, for pasting into the README. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
