/** A run's structured result: HTTP status and SQL result sets as tables, anything else as JSON. */

type Row = Record<string, unknown>;

/** Shows `run.result`. */
export function ResultView({ result }: { result: unknown }) {
  const value = result as { status?: number; resultSets?: Row[][]; returnValue?: unknown; output?: Row };
  const sets = Array.isArray(value.resultSets) ? value.resultSets : [];
  return (
    <div className="panel">
      <h2>Result</h2>
      {typeof value.status === 'number' && <p>HTTP status <strong>{value.status}</strong></p>}
      {sets.map((rows, i) => <ResultTable key={i} index={i} rows={rows} />)}
      <details>
        <summary>Raw result</summary>
        <pre style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(result, null, 2)}</pre>
      </details>
    </div>
  );
}

function ResultTable({ rows, index }: { rows: Row[]; index: number }) {
  const columns = [...new Set(rows.slice(0, 50).flatMap((r) => Object.keys(r)))];
  return (
    <div style={{ overflowX: 'auto' }}>
      <table aria-label={`Result set ${index + 1}`}>
        <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>{rows.slice(0, 500).map((r, i) => <tr key={i}>{columns.map((c) => <td key={c}>{format(r[c])}</td>)}</tr>)}</tbody>
      </table>
      {rows.length > 500 && <p className="muted">First 500 of {rows.length} rows.</p>}
    </div>
  );
}

function format(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
