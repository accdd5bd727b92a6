/** One run: status, times, the retry chain, exit code / HTTP / SQL results, error, and its output in tabs. */
import { useEffect, useState } from 'react';
import type { Run } from '../../src-main/engine/types.ts';
import { useClient, useLoad } from '../client-context.tsx';
import { LogView } from '../components/log-view.tsx';
import { ResultView } from '../components/result-view.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDuration, formatTime, lateBy, runDuration } from '../format.ts';
import { href } from '../router.ts';

/** The Run detail page. */
export function RunDetail({ id }: { id: string }) {
  const { api } = useClient();
  const { data, error, reload } = useLoad(() => api.getRun({ id }), [id], ['run.started', 'run.finished', 'run.queued']);
  const [tab, setTab] = useState<'stdout' | 'stderr'>('stdout');
  const [message, setMessage] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const running = data?.run.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!data) return <p>Loading…</p>;
  const { run, chain } = data;
  const live = run.status === 'running' || run.status === 'queued';
  const rows: [string, React.ReactNode][] = [
    ['Schedule', <a href={href('schedules', run.scheduleName, 'edit')}>{run.scheduleName}</a>],
    ['Trigger', `${run.trigger}${run.triggeredBy ? ` by ${run.triggeredBy}` : ''}`],
    ['Scheduled for', formatTime(run.scheduledFor)],
    ['Started', formatTime(run.startedAt)],
    ['Finished', formatTime(run.finishedAt)],
    ['Duration', formatDuration(runDuration(run, now))],
    ['Late by', formatDuration(lateBy(run))],
    ['Attempt', String(run.attempt)],
    ['Exit code', run.exitCode === null ? '—' : String(run.exitCode)],
    ['Host / pid', `${run.host}${run.pid ? ` / ${run.pid}` : ''}`],
  ];
  if (run.reason) rows.push(['Skipped because', run.reason]);
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">Run of {run.scheduleName} <StatusBadge status={run.status} /></h1>
      <div className="toolbar">
        {live && (
          <button className="danger" onClick={() => api.cancelRun({ id }).then(reload, (e: unknown) => setMessage(String(e)))} disabled={run.cancelRequested}>
            {run.cancelRequested ? 'Cancelling…' : 'Cancel run'}
          </button>
        )}
        <button onClick={() => api.trigger({ name: run.scheduleName }).then((r) => (window.location.hash = href('runs', r.id)), (e: unknown) => setMessage(String(e)))}>Run again</button>
        {message && <span className="error" role="alert">{message}</span>}
      </div>
      <div className="grid2">
        <div className="panel">
          <table><tbody>{rows.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{v}</td></tr>)}</tbody></table>
        </div>
        <div className="panel">
          <h2>Attempts</h2>
          <ol aria-label="Attempt chain">{chain.map((r: Run) => (
            <li key={r.id}>{r.id === id ? <strong>attempt {r.attempt}</strong> : <a href={href('runs', r.id)}>attempt {r.attempt}</a>} <StatusBadge status={r.status} /> {formatTime(r.startedAt ?? r.dueAt)}</li>
          ))}</ol>
          {run.error && (<><h2>Error</h2><p className="error" data-testid="run-error">{run.error}</p></>)}
          {/* A succeeded run may have details too: output that could not be written, say. */}
          {run.errorDetail && (<>{!run.error && <h2>Details</h2>}<pre className="muted" data-testid="run-error-detail" style={{ whiteSpace: 'pre-wrap' }}>{run.errorDetail}</pre></>)}
        </div>
      </div>
      {run.result !== null && run.result !== undefined && <ResultView result={run.result} />}
      <div role="tablist" aria-label="Output streams">
        {(['stdout', 'stderr'] as const).map((s) => (
          <button key={s} role="tab" id={`tab-${s}`} aria-selected={tab === s} aria-controls={`panel-${s}`} onClick={() => setTab(s)}>{s}</button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        <LogView key={tab} runId={id} stream={tab} running={live} />
      </div>
    </section>
  );
}
