/** Settings: engine limits, SMTP, webhooks, connections (with a test), start at login, theme. */
import { useEffect, useState } from 'react';
import { ApiError } from '../api-client.ts';
import { useClient } from '../client-context.tsx';
import { Connections } from '../components/connections.tsx';
import { DesktopSettingsFields } from '../components/desktop-settings.tsx';
import { EmailTest, WebhookTests } from '../components/notify-test.tsx';
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
  const { api } = useClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState<Record<string, unknown> | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [theme, setTheme] = useState<Theme>(loadTheme());
  useEffect(() => {
    api.getSettings().then((s) => { setDraft(s); setSaved(s); }, (e: unknown) => setMessage(String(e)));
  }, [api]);
  if (!draft) return <p>{message ?? 'Loading…'}</p>;
  const f: Form = { draft, problems, set: (path, value) => setDraft((d) => (d ? setPath(d, path, value) : d)) };
  const save = async () => {
    try {
      const next = await api.saveSettings({ settings: cleanDraft(draft) });
      setDraft(next);
      setSaved(next);
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
          <EmailTest />
        </fieldset>
        <fieldset className="panel">
          <legend>Webhooks</legend>
          <ParsedField f={f} path="webhooks" label="Webhooks (JSON)" hint='[{"name": "ops", "url": "https://…", "format": "slack"}]' rows={5} {...webhookJson} />
          <WebhookTests names={webhookNames(saved)} />
        </fieldset>
        <div className="toolbar"><button className="primary" type="submit">Save settings</button></div>
      </form>
      <Connections />
      <fieldset className="panel">
        <legend>This computer</legend>
        <DesktopSettingsFields />
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

/** The names of the saved webhooks (tests post to what is saved, not to the draft). */
function webhookNames(settings: Record<string, unknown> | null): string[] {
  const hooks = settings?.webhooks;
  if (!Array.isArray(hooks)) return [];
  return hooks.flatMap((h: unknown) => (typeof h === 'object' && h !== null && typeof (h as { name?: unknown }).name === 'string' ? [(h as { name: string }).name] : []));
}
