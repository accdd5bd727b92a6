/**
 * Test buttons for notifications in Settings: a test email to an address typed here and a test
 * post per saved webhook, each showing what happened (sent, or the engine's redacted reason).
 * Tests use the saved settings, so the hint asks to save first.
 */
import { useState } from 'react';
import type { NotifyTestResult } from '../../src-main/api/contract.ts';
import { useClient } from '../client-context.tsx';

/** One line per result: "email to ops@corp: sent (1 attempt)" or "webhook ops: failed — reason". */
function describeResult(r: NotifyTestResult): string {
  const where = r.channel === 'email' ? `Email to ${r.target || '(nobody)'}` : `Webhook ${r.target}`;
  const tries = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`;
  return r.ok ? `${where}: sent (${tries})` : `${where}: failed after ${tries} — ${r.error ?? 'unknown error'}`;
}

/** Runs one test and keeps its result lines (or the refusal) for display. */
function useNotifyTest() {
  const { api } = useClient();
  const [busy, setBusy] = useState(false);
  const [lines, setLines] = useState<Array<{ ok: boolean; text: string }>>([]);
  const run = async (args: { email?: string; webhook?: string }) => {
    setBusy(true);
    setLines([{ ok: true, text: 'Sending…' }]);
    try {
      const { results } = await api.testNotify(args);
      setLines(results.map((r) => ({ ok: r.ok, text: describeResult(r) })));
    } catch (e) {
      setLines([{ ok: false, text: e instanceof Error ? e.message : String(e) }]);
    } finally {
      setBusy(false);
    }
  };
  return { busy, lines, run };
}

function ResultLines({ lines, testId }: { lines: Array<{ ok: boolean; text: string }>; testId: string }) {
  return (
    <ul role="status" data-testid={testId} className="muted" style={{ margin: '4px 0', paddingLeft: 18 }}>
      {lines.map((l, i) => <li key={i} className={l.ok ? undefined : 'error'}>{l.text}</li>)}
    </ul>
  );
}

/** "Send test email" with an address input. */
export function EmailTest() {
  const [address, setAddress] = useState('');
  const { busy, lines, run } = useNotifyTest();
  const send = () => {
    if (!busy && address.trim()) void run({ email: address.trim() });
  };
  return (
    <div className="field">
      <label htmlFor="test-email">Test address</label>
      <div>
        <div className="toolbar" style={{ marginBottom: 0 }}>
          <input id="test-email" type="email" value={address} placeholder="you@example.com" onChange={(e) => setAddress(e.target.value)}
            // Enter sends the test instead of submitting (saving) the settings form around it.
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); send(); } }} />
          <button type="button" disabled={busy || !address.trim()} onClick={send}>Send test email</button>
        </div>
        <div className="hint">Uses the saved SMTP settings; save changes first.</div>
        {lines.length > 0 && <ResultLines lines={lines} testId="email-test-results" />}
      </div>
    </div>
  );
}

/** A "Test" button for each saved webhook. */
export function WebhookTests({ names }: { names: string[] }) {
  const { busy, lines, run } = useNotifyTest();
  if (names.length === 0) return <p className="muted">Save a webhook to test it.</p>;
  return (
    <div>
      <div className="toolbar" style={{ marginBottom: 0 }}>
        <span className="muted">Test a saved webhook:</span>
        {names.map((name) => (
          <button key={name} type="button" disabled={busy} aria-label={`Test webhook ${name}`} onClick={() => void run({ webhook: name })}>Test {name}</button>
        ))}
      </div>
      {lines.length > 0 && <ResultLines lines={lines} testId="webhook-test-results" />}
    </div>
  );
}
