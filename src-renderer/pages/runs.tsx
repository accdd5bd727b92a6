/** Run history: a virtualized list paged with keyset cursors as you scroll; filters by status, schedule and date. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunPage, RunQuery } from '../../src-main/api/contract.ts';
import type { Run, RunStatus } from '../../src-main/engine/types.ts';
import { useClient, useEvent, useLoad } from '../client-context.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDuration, formatTime, lateBy, runDuration } from '../format.ts';
import { go } from '../router.ts';

const STATUSES: RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'skipped', 'interrupted'];
const PAGE = 200;

/** The Runs page. */
export function Runs() {
  const { api } = useClient();
  const schedules = useLoad(() => api.listSchedules(), []);
  const [status, setStatus] = useState('');
  const [schedule, setSchedule] = useState('');
  const [day, setDay] = useState('');
  const [runs, setRuns] = useState<Run[]>([]);
  const [next, setNext] = useState<RunPage['next']>(null);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const generation = useRef(0);

  const query = useCallback((): RunQuery => {
    const q: RunQuery = { limit: PAGE };
    if (status) q.statuses = [status as RunStatus];
    if (schedule) q.schedule = schedule;
    if (day) {
      const from = new Date(`${day}T00:00:00`).getTime();
      Object.assign(q, { from, to: from + 86_400_000 });
    }
    return q;
  }, [status, schedule, day]);

  const loadMore = useCallback(async (reset: boolean) => {
    if (loading.current && !reset) return;
    const gen = reset ? ++generation.current : generation.current;
    loading.current = true;
    try {
      const page = await api.listRuns({ ...query(), ...(reset || !next ? {} : { before: next }) });
      if (gen !== generation.current) return;
      setRuns((old) => (reset ? page.runs : [...old, ...page.runs]));
      setNext(page.next);
      setDone(page.next === null);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (gen === generation.current) loading.current = false;
    }
  }, [api, query, next]);

  useEffect(() => {
    void loadMore(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);
  useEvent(['run.queued', 'run.started', 'run.finished', 'run.skipped'], (run) => {
    setRuns((old) => {
      const at = old.findIndex((r) => r.id === run.id);
      if (at >= 0) return old.map((r) => (r.id === run.id ? run : r));
      const matches = (!status || run.status === status) && (!schedule || run.scheduleName === schedule) && !day;
      return matches ? [run, ...old] : old;
    });
  });

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: runs.length + (done ? 0 : 1), getScrollElement: () => scroller.current, estimateSize: () => 34, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= runs.length - 1 && !done) void loadMore(false);
  }, [last?.index, runs.length, done, loadMore]);

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <div className="toolbar" role="search">
        <label>Status{' '}<select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any</option>{STATUSES.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}</select></label>
        <label>Schedule{' '}<select value={schedule} onChange={(e) => setSchedule(e.target.value)}>
          <option value="">Any</option>{(schedules.data ?? []).map((s) => <option key={s.id}>{s.spec.name}</option>)}</select></label>
        <label>Date{' '}<input type="date" value={day} onChange={(e) => setDay(e.target.value)} /></label>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="vlist" ref={scroller} role="table" aria-label="Run history" aria-rowcount={done ? runs.length + 1 : -1}>
        <div className="vrow head" role="row">
          {['Status', 'Schedule', 'Trigger', 'Scheduled', 'Started', 'Duration', 'Late by', 'Attempt'].map((h) => <span key={h} role="columnheader">{h}</span>)}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
          {items.map((item) => {
            const run = runs[item.index];
            const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` };
            if (!run) return <div key="more" className="vrow muted" style={style} role="row"><span role="cell">Loading…</span></div>;
            return (
              <div key={run.id} className="vrow" style={style} role="row" tabIndex={0} data-run={run.id}
                onClick={() => go('runs', run.id)} onKeyDown={(e) => e.key === 'Enter' && go('runs', run.id)}>
                <span role="cell"><StatusBadge status={run.status} /></span>
                <span role="cell">{run.scheduleName}</span>
                <span role="cell">{run.trigger}</span>
                <span role="cell">{formatTime(run.scheduledFor)}</span>
                <span role="cell">{formatTime(run.startedAt)}</span>
                <span role="cell">{formatDuration(runDuration(run))}</span>
                <span role="cell">{formatDuration(lateBy(run))}</span>
                <span role="cell">{run.attempt}</span>
              </div>
            );
          })}
        </div>
      </div>
      {runs.length === 0 && done && <p className="muted">No runs match.</p>}
    </section>
  );
}
