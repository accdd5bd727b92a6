/** Database connections: list, add/replace (the connection string is write-only) and test. */
import { useState } from 'react';
import { useClient, useLoad } from '../client-context.tsx';

/** The connections panel of Settings. */
export function Connections() {
  const { api } = useClient();
  const list = useLoad(() => api.listConnections(), []);
  const [name, setName] = useState('');
  const [type, setType] = useState<'sqlserver' | 'postgres'>('sqlserver');
  const [connectionString, setConnectionString] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const add = async () => {
    try {
      await api.saveConnection({ connection: { name, type, connectionString } });
      setConnectionString('');
      setMessage(`Saved ${name}.`);
      list.reload();
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  const test = async (n: string) => {
    setMessage(`Testing ${n}…`);
    try {
      const r = await api.testConnection({ name: n });
      setMessage(`${n}: ${r.ok ? 'OK' : 'failed'} — ${r.message}`);
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <fieldset className="panel">
      <legend>Connections</legend>
      {message && <p role="status">{message}</p>}
      <table>
        <thead><tr><th>Name</th><th>Type</th><th>Connection string</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>{(list.data ?? []).map((c) => (
          <tr key={c.name}><td>{c.name}</td><td>{c.type}</td><td>{c.connectionStringSet ? '•••• (set)' : 'not set'}</td>
            <td><button type="button" onClick={() => void test(c.name)} aria-label={`Test connection ${c.name}`}>Test</button></td></tr>))}</tbody>
      </table>
      <div className="toolbar" style={{ marginTop: 8 }}>
        <label>Name <input value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>Type <select value={type} onChange={(e) => setType(e.target.value as 'sqlserver' | 'postgres')}><option value="sqlserver">SQL Server</option><option value="postgres">PostgreSQL</option></select></label>
        <label>Connection string <input type="password" autoComplete="off" value={connectionString} onChange={(e) => setConnectionString(e.target.value)} /></label>
        <button type="button" onClick={() => void add()} disabled={!name || !connectionString}>Save connection</button>
      </div>
    </fieldset>
  );
}
