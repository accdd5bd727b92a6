/** The cron expression in words and its next 5 occurrences in the schedule's time zone, as you type. */
import { useEffect, useState } from 'react';
import { useClient } from '../client-context.tsx';

/** Live preview under the cron field (api.nextOccurrences, debounced). */
export function CronPreview({ cron, timezone }: { cron: string; timezone?: string }) {
  const { api } = useClient();
  const [state, setState] = useState<{ description: string; times: number[] } | { error: string } | null>(null);
  useEffect(() => {
    if (!cron.trim()) return setState(null);
    let live = true;
    const timer = setTimeout(() => {
      api.nextOccurrences({ cron, timezone: timezone || undefined, count: 5 }).then(
        (value) => live && setState(value),
        (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, cron, timezone]);
  if (!state) return null;
  if ('error' in state) return <div className="problem" role="alert" data-testid="cron-error">{state.error}</div>;
  return (
    <div className="hint" aria-live="polite" data-testid="cron-preview">
      <div data-testid="cron-words">{state.description}</div>
      <ol aria-label="Next runs" data-testid="next-runs">
        {state.times.map((t) => (
          <li key={t}>{formatIn(t, timezone)}</li>
        ))}
      </ol>
    </div>
  );
}

function formatIn(t: number, timezone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium', timeZone: timezone || undefined }).format(t);
  } catch {
    return new Date(t).toISOString();
  }
}
