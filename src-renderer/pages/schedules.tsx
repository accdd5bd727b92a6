/** The schedules table: search, tag filter, enable/pause toggles, Run now, Duplicate, Delete. */
import { useMemo, useState } from 'react';
import type { ScheduleView } from '../../src-main/api/contract.ts';
import { useClient, useLoad } from '../client-context.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { cronInWords, formatTime } from '../format.ts';
import { go, href } from '../router.ts';

/** The Schedules page. */
export function Schedules() {
  const { api } = useClient();
  const { data, error, reload } = useLoad(() => api.listSchedules(), [], ['schedule.changed', 'run.finished', 'run.started']);
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const tags = useMemo(() => [...new Set((data ?? []).flatMap((s) => s.spec.tags))].sort(), [data]);
  const rows = (data ?? []).filter(
    (s) =>
      (!tag || s.spec.tags.includes(tag)) &&
      (!search || `${s.spec.name} ${s.spec.description ?? ''}`.toLowerCase().includes(search.toLowerCase())),
  );
  const act = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      setMessage(what);
      reload();
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  const duplicate = async (s: ScheduleView) => {
    const names = new Set((data ?? []).map((x) => x.spec.name));
    let name = `${s.spec.name}-copy`;
    for (let i = 2; names.has(name); i++) name = `${s.spec.name}-copy-${i}`;
    await act(`Duplicated as ${name}`, () => api.createSchedule({ spec: { ...s.spec, name } }));
  };
  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      <div className="toolbar">
        <label className="sr-only" htmlFor="schedule-search">Search schedules</label>
        <input id="schedule-search" type="search" placeholder="Search…" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label className="sr-only" htmlFor="tag-filter">Filter by tag</label>
        <select id="tag-filter" value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <a className="button" href={href('schedules', 'new')}>New schedule</a>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {message && <p role="status">{message}</p>}
      <div className="panel" style={{ overflowX: 'auto' }}>
        <table>
          <thead>
            <tr>
              <th>Name</th><th>Tags</th><th>When</th><th>Next run</th><th>Last status</th><th>Enabled</th><th>Paused</th><th><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-schedule={s.spec.name}>
                <td><a href={href('schedules', s.spec.name, 'edit')}>{s.spec.name}</a></td>
                <td className="tags">{s.spec.tags.map((t) => <span key={t}>{t}</span>)}</td>
                <td title={s.spec.cron}>{cronInWords(s.spec.cron)}</td>
                <td>{formatTime(s.nextRunAt)}</td>
                <td>{s.lastRun ? <a href={href('runs', s.lastRun.id)}><StatusBadge status={s.lastRun.status} /></a> : <StatusBadge status={null} />}</td>
                <td>
                  <input type="checkbox" aria-label={`Enabled: ${s.spec.name}`} checked={s.spec.enabled}
                    onChange={(e) => act(e.target.checked ? 'Enabled' : 'Disabled', () => api.setEnabled({ name: s.spec.name, enabled: e.target.checked }))} />
                </td>
                <td>
                  <button onClick={() => act(s.paused ? 'Resumed' : 'Paused', () => api.setPaused({ name: s.spec.name, paused: !s.paused }))}
                    aria-label={`${s.paused ? 'Resume' : 'Pause'} ${s.spec.name}`}>
                    {s.paused ? 'Resume' : 'Pause'}
                  </button>
                </td>
                <td style={{ whiteSpace: 'nowrap' }}>
                  <button aria-label={`Run ${s.spec.name} now`} onClick={() => api.trigger({ name: s.spec.name }).then((run) => go('runs', run.id), (e: unknown) => setMessage(String(e)))}>Run now</button>{' '}
                  <button aria-label={`Duplicate ${s.spec.name}`} onClick={() => duplicate(s)}>Duplicate</button>{' '}
                  <button className="danger" aria-label={`Delete ${s.spec.name}`}
                    onClick={() => window.confirm(`Delete schedule "${s.spec.name}"? Its run history is kept.`) && act('Deleted', () => api.deleteSchedule({ name: s.spec.name }))}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && rows.length === 0 && <p className="muted">No schedules match.</p>}
      </div>
    </section>
  );
}
