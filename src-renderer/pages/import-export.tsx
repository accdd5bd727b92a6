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
  const [message, setMessage] = useState<string | null>(null);
  const run = async () => {
    setProblems([]);
    setMessage(null);
    try {
      const result = await api.importFile({ text, replace });
      if (result.ok) setMessage(`Imported: ${JSON.stringify(result.summary)}`);
      else setProblems(result.problems);
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
        <ul id="import-problems" className="problems" role="alert" data-testid="import-problems">
          {problems.map((p, i) => <li key={i}><code>{p.path || '(file)'}</code>: {p.message}</li>)}
        </ul>
      </div>
    </section>
  );
}
