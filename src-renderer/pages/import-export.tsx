/** Import a schedule file (showing the validator's messages) and export the schedules (secrets left out). */
import { useState } from 'react';
import type { Problem } from '../../src-main/engine/errors.ts';
import { ApiError } from '../api-client.ts';
import { useClient } from '../client-context.tsx';

/** The Import / export page. */
export function ImportExport() {
  const { api } = useClient();
  const [text, setText] = useState('');
  const [replace, setReplace] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [warnings, setWarnings] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const run = async () => {
    setProblems([]);
    setWarnings([]);
    setMessage(null);
    try {
      const result = await api.importFile({ text, replace });
      if (result.ok) {
        const { warnings: found = [], ...counts } = result.summary as { warnings?: Problem[] };
        setMessage(`Imported: ${JSON.stringify(counts)}`);
        setWarnings(found);
      } else setProblems(result.problems);
    } catch (e) {
      if (e instanceof ApiError) setProblems(e.problems);
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  const exportNow = async () => {
    const { text: out } = await api.exportFile();
    setText(out);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([out], { type: 'application/json' }));
    link.download = 'batchlight-schedules.json';
    link.click();
    setMessage('Exported (secrets are written as <secret>).');
  };
  return (
    <section aria-labelledby="ie-title">
      <h1 id="ie-title">Import and export</h1>
      <div className="panel">
        <div className="toolbar">
          <label>Schedule file <input type="file" accept=".json,application/json" onChange={(e) => void e.target.files?.[0]?.text().then(setText)} /></label>
          <label><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> Replace all schedules</label>
          <button className="primary" onClick={() => void run()} disabled={!text.trim()}>Import</button>
          <button onClick={() => void exportNow()}>Export</button>
        </div>
        <label htmlFor="file-text">File contents</label>
        <textarea id="file-text" rows={18} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={problems.length ? true : undefined} aria-describedby="import-problems" />
        {message && <p role="status">{message}</p>}
        {warnings.length > 0 && (
          <ul className="warnings" data-testid="import-warnings" aria-label="Imported, with warnings">
            {warnings.map((w, i) => <li key={i}><code>{w.path}</code>: {w.message}</li>)}
          </ul>
        )}
        <ul id="import-problems" className="problems" role="alert" data-testid="import-problems">
          {problems.map((p, i) => <li key={i}><code>{p.path || '(file)'}</code>: {p.message}</li>)}
        </ul>
      </div>
    </section>
  );
}
