/** The dashboard: running now (with Cancel), failures in the last 24 h, next runs, 30-day statistics. */
import { useEffect, useState } from 'react';
import { useClient, useLoad } from '../client-context.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDuration, formatTime } from '../format.ts';
import { href } from '../router.ts';
import { scheduleStats } from '../stats.ts';

const DAY = 86_400_000;

/** The Dashboard page. */
export function Dashboard() {
  const { api } = useClient();
  const events = ['run.started', 'run.finished', 'run.queued'] as const;
  const running = useLoad(() => api.listRuns({ statuses: ['running'], limit: 100 }), [], [...events]);
  const failures = useLoad(() => api.listRuns({ statuses: ['failed', 'timed_out', 'interrupted'], from: Date.now() - DAY, limit: 50 }), [], ['run.finished']);
  const schedules = useLoad(() => api.listSchedules(), [], ['schedule.changed', 'run.finished']);
  const stats = useLoad(() => scheduleStats(api, Date.now() - 30 * DAY), [], ['run.finished']);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const upcoming = (schedules.data ?? []).filter((s) => s.nextRunAt !== null && !s.paused && s.spec.enabled).sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0)).slice(0, 10);
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboard</h1>
      <div className="grid2">
        <div className="panel" aria-labelledby="running-title">
          <h2 id="running-title">Running now</h2>
          {running.data?.runs.length ? (
            <table><tbody>{running.data.runs.map((r) => (
              <tr key={r.id}>
                <td><a href={href('runs', r.id)}>{r.scheduleName}</a></td>
                <td aria-label="Elapsed">{formatDuration(now - (r.startedAt ?? now))}</td>
                <td><button className="danger" aria-label={`Cancel ${r.scheduleName}`} onClick={() => void api.cancelRun({ id: r.id }).then(running.reload)}>Cancel</button></td>
              </tr>))}</tbody></table>
          ) : <p className="muted">Nothing is running.</p>}
        </div>
        <div className="panel" aria-labelledby="fail-title">
          <h2 id="fail-title">Failures in the last 24 hours</h2>
          {failures.data?.runs.length ? (
            <table><tbody>{failures.data.runs.map((r) => (
              <tr key={r.id}><td><a href={href('runs', r.id)}>{r.scheduleName}</a></td><td><StatusBadge status={r.status} /></td><td>{formatTime(r.finishedAt)}</td><td className="error">{r.error}</td></tr>))}</tbody></table>
          ) : <p className="muted">No failures.</p>}
        </div>
        <div className="panel" aria-labelledby="next-title">
          <h2 id="next-title">Next runs</h2>
          {upcoming.length ? (
            <table><tbody>{upcoming.map((s) => <tr key={s.id}><td>{formatTime(s.nextRunAt)}</td><td><a href={href('schedules', s.spec.name, 'edit')}>{s.spec.name}</a></td></tr>)}</tbody></table>
          ) : <p className="muted">No runs planned.</p>}
        </div>
        <div className="panel" aria-labelledby="stats-title">
          <h2 id="stats-title">Last 30 days</h2>
          {stats.data?.stats.length ? (
            <table>
              <thead><tr><th>Schedule</th><th>Runs</th><th>Success</th><th>Average</th><th>p95</th></tr></thead>
              <tbody>{stats.data.stats.map((s) => (
                <tr key={s.name}><td>{s.name}</td><td>{s.runs}</td><td>{Math.round((100 * s.succeeded) / s.runs)} %</td><td>{formatDuration(s.averageMs)}</td><td>{formatDuration(s.p95Ms)}</td></tr>))}</tbody>
            </table>
          ) : <p className="muted">No finished runs yet.</p>}
          {stats.error && <p className="error" role="alert">{stats.error}</p>}
          {stats.data?.partial && <p className="muted">Computed from the most recent runs only.</p>}
        </div>
      </div>
    </section>
  );
}
