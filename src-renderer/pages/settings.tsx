/** Settings: engine limits, SMTP, webhooks, connections (with a test), start at login, theme. */
import { useEffect, useState } from 'react';
import { ApiError } from '../api-client.ts';
import { useClient } from '../client-context.tsx';
import { Connections } from '../components/connections.tsx';
import { commaList, lineList, NumberField, ParsedField, SecretField, SelectField, TextField, type Form } from '../components/form-fields.tsx';
import { cleanDraft, setPath, type Draft } from '../draft.ts';
import type { Problem } from '../../src-main/engine/errors.ts';
import { applyTheme, loadTheme, type Theme } from '../theme.ts';

const webhookJson = {
  format: (v: unknown) => (Array.isArray(v) ? JSON.stringify(v, null, 2) : ''),
  parse: (t: string) => { try { return t.trim() ? (JSON.parse(t) as unknown) : undefined; } catch { return t; } },
};

/** The Settings page. */
export function Settings() {
  const { api, isDesktop } = useClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [theme, setTheme] = useState<Theme>(loadTheme());
  useEffect(() => {
    api.getSettings().then(setDraft, (e: unknown) => setMessage(String(e)));
  }, [api]);
  if (!draft) return <p>{message ?? 'Loading…'}</p>;
  const f: Form = { draft, problems, set: (path, value) => setDraft((d) => (d ? setPath(d, path, value) : d)) };
  const save = async () => {
    try {
      setDraft(await api.saveSettings({ settings: cleanDraft(draft) }));
      setProblems([]);
      setMessage('Settings saved.');
    } catch (e) {
      setProblems(e instanceof ApiError ? e.problems : []);
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {message && <p role="status">{message}</p>}
      <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <fieldset className="panel">
          <legend>Engine</legend>
          <NumberField f={f} path="concurrency" label="Concurrency limit" hint="Jobs that may run at once." />
          <NumberField f={f} path="retentionDays" label="Keep history (days)" />
          <ParsedField f={f} path="allowedExecutables" label="Allowed executables" hint="One per line; empty allows any." rows={3} {...lineList} />
        </fieldset>
        <fieldset className="panel">
          <legend>Email (SMTP)</legend>
          <TextField f={f} path="smtp.host" label="Host" />
          <NumberField f={f} path="smtp.port" label="Port" />
          <SelectField f={f} path="smtp.secure" label="Security" options={['starttls', 'tls', 'none']} />
          <TextField f={f} path="smtp.user" label="User" />
          <SecretField f={f} path="smtp.password" label="Password" />
          <TextField f={f} path="smtp.from" label="From" />
          <ParsedField f={f} path="notify.defaultTo" label="Default recipients" hint="Comma-separated." {...commaList} />
          <button type="button" disabled aria-describedby="smtp-test-note">Send test email</button>
          <span id="smtp-test-note" className="muted"> Testing from the window is not available yet; use `batchlight notify test`.</span>
        </fieldset>
        <fieldset className="panel">
          <legend>Webhooks</legend>
          <ParsedField f={f} path="webhooks" label="Webhooks (JSON)" hint='[{"name": "ops", "url": "https://…", "format": "slack"}]' rows={5} {...webhookJson} />
          <button type="button" disabled aria-describedby="hook-test-note">Test webhook</button>
          <span id="hook-test-note" className="muted"> Testing from the window is not available yet.</span>
        </fieldset>
        <div className="toolbar"><button className="primary" type="submit">Save settings</button></div>
      </form>
      <Connections />
      <fieldset className="panel">
        <legend>This computer</legend>
        <div className="field">
          <label htmlFor="start-login">Start at login</label>
          <div><input id="start-login" type="checkbox" disabled aria-describedby="start-login-note" />
            <div id="start-login-note" className="hint">{isDesktop ? 'Not available in this version.' : 'Only in the desktop app.'}</div></div>
        </div>
        <div className="field">
          <label htmlFor="theme">Theme</label>
          <select id="theme" value={theme} onChange={(e) => { const t = e.target.value as Theme; setTheme(t); applyTheme(t); }}>
            <option value="system">System</option><option value="light">Light</option><option value="dark">Dark</option>
          </select>
        </div>
      </fieldset>
    </section>
  );
}
