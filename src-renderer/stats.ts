/** Per-schedule success rate and average / p95 duration, computed from run history pages. */
import type { BatchlightApi } from '../src-main/api/contract.ts';
import type { Run } from '../src-main/engine/types.ts';

/** One schedule's numbers over the window. */
export interface ScheduleStats {
  name: string;
  runs: number;
  succeeded: number;
  averageMs: number | null;
  p95Ms: number | null;
}

/** Reads up to `maxPages` pages of finished runs since `from` and summarises them per schedule. */
export async function scheduleStats(api: BatchlightApi, from: number, maxPages = 50): Promise<{ stats: ScheduleStats[]; partial: boolean }> {
  const runs: Run[] = [];
  let before: { createdAt: number; id: string } | undefined;
  let pages = 0;
  for (; pages < maxPages; pages++) {
    const page = await api.listRuns({ from, limit: 500, statuses: ['succeeded', 'failed', 'timed_out', 'cancelled', 'interrupted'], ...(before ? { before } : {}) });
    runs.push(...page.runs);
    if (!page.next) break;
    before = page.next;
  }
  const groups = new Map<string, Run[]>();
  for (const run of runs) groups.set(run.scheduleName, [...(groups.get(run.scheduleName) ?? []), run]);
  const stats = [...groups].map(([name, list]) => {
    const durations = list.filter((r) => r.startedAt !== null && r.finishedAt !== null).map((r) => (r.finishedAt ?? 0) - (r.startedAt ?? 0)).sort((a, b) => a - b);
    return {
      name,
      runs: list.length,
      succeeded: list.filter((r) => r.status === 'succeeded').length,
      averageMs: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null,
      p95Ms: durations.length ? (durations[Math.min(durations.length - 1, Math.ceil(durations.length * 0.95) - 1)] ?? null) : null,
    };
  });
  return { stats: stats.sort((a, b) => a.name.localeCompare(b.name)), partial: pages === maxPages };
}
