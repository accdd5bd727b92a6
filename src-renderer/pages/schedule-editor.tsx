/** One form for every job type; live cron preview; the engine validator's problems next to each field. */
import { useEffect, useRef, useState } from 'react';
import type { Problem } from '../../src-main/engine/errors.ts';
import { ApiError } from '../api-client.ts';
import { useClient } from '../client-context.tsx';
import { CronPreview } from '../components/cron-preview.tsx';
import { CheckField, commaList, NumberField, ParsedField, SelectField, TextField, type Form } from '../components/form-fields.tsx';
import { JobFields } from '../components/job-fields.tsx';
import { ParametersEditor } from '../components/parameters-editor.tsx';
import { cleanDraft, getPath, newDraft, setPath, type Draft } from '../draft.ts';
import { go } from '../router.ts';

/** Creates (no `name`) or edits the named schedule. */
export function ScheduleEditor({ name }: { name?: string }) {
  const { api } = useClient();
  const [draft, setDraft] = useState<Draft | null>(name ? null : newDraft());
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const touched = useRef(new Set<string>());
  const [submitted, setSubmitted] = useState(false);

  useEffect(() => {
    if (name) api.getSchedule({ name }).then((view) => setDraft(view.spec as unknown as Draft), (e: unknown) => setMessage(String(e)));
  }, [api, name]);

  useEffect(() => {
    if (!draft) return;
    let live = true;
    const timer = setTimeout(() => {
      api.validateSchedule({ spec: cleanDraft(draft) }).then((r) => live && setProblems(r.ok ? [] : r.problems), () => undefined);
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, draft]);

  if (!draft) return <p>{message ?? 'Loading…'}</p>;
  const visible = submitted ? problems : problems.filter((p) => [...touched.current].some((t) => p.path === t || p.path.startsWith(`${t}.`) || p.path.startsWith(`${t}[`)));
  const f: Form = {
    draft,
    problems: visible,
    set: (path, value) => {
      touched.current.add(path);
      setDraft((d) => (d ? setPath(d, path, value) : d));
    },
  };
  const save = async (runNow: boolean) => {
    setSubmitted(true);
    setBusy(true);
    setMessage(null);
    try {
      const spec = cleanDraft(draft);
      const saved = name ? await api.updateSchedule({ name, spec }) : await api.createSchedule({ spec });
      if (runNow) {
        const run = await api.trigger({ name: saved.spec.name });
        go('runs', run.id);
      } else go('schedules');
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) setProblems(e.problems);
      setMessage(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const general = submitted ? problems.filter((p) => p.path === '') : [];
  return (
    <form aria-labelledby="editor-title" onSubmit={(e) => { e.preventDefault(); void save(false); }}>
      <h1 id="editor-title">{name ? `Edit ${name}` : 'New schedule'}</h1>
      {message && <p className="error" role="alert" data-testid="save-error">{message}</p>}
      {general.length > 0 && <ul className="problems">{general.map((p, i) => <li key={i}>{p.message}</li>)}</ul>}
      <fieldset className="panel">
        <legend>Schedule</legend>
        <TextField f={f} path="name" label="Name" />
        <TextField f={f} path="description" label="Description" />
        <TextField f={f} path="cron" label="Cron" hint="5 fields (minute hour day month weekday) or 6 with seconds first." />
        <div className="field"><span /><CronPreview cron={String(getPath(draft, 'cron') ?? '')} timezone={getPath(draft, 'timezone') as string | undefined} /></div>
        <TextField f={f} path="timezone" label="Time zone" placeholder="e.g. Europe/Paris (default: this computer's)" />
        <ParsedField f={f} path="tags" label="Tags" hint="Comma-separated." {...commaList} />
        <CheckField f={f} path="enabled" label="Enabled" />
      </fieldset>
      <fieldset className="panel">
        <legend>Job</legend>
        <SelectField f={{ ...f, set: (_p, v) => f.set('job', v === 'http' ? { type: 'http', url: '', method: 'GET' } : v === 'sql' ? { type: 'sql', connection: '', procedure: '' } : { type: 'process', executablePath: '', arguments: [] }) }}
          path="job.type" label="Job type" options={['process', 'http', 'sql']} />
        <JobFields f={f} />
        <NumberField f={f} path="timeoutSeconds" label="Timeout (seconds)" />
      </fieldset>
      <ParametersEditor f={f} />
      <fieldset className="panel">
        <legend>Retries, overlap and misfires</legend>
        <NumberField f={f} path="retry.maxRetries" label="Max retries" />
        <NumberField f={f} path="retry.delaySeconds" label="Retry delay (s)" />
        <NumberField f={f} path="retry.multiplier" label="Backoff multiplier" />
        <NumberField f={f} path="retry.maxDelaySeconds" label="Max delay (s)" />
        <SelectField f={f} path="overlap" label="If still running" options={['skip', 'queue', 'parallel']} />
        <SelectField f={f} path="misfire" label="Missed runs" options={['fire_once', 'skip', 'fire_all']} />
        <NumberField f={f} path="priority" label="Priority" />
      </fieldset>
      <fieldset className="panel">
        <legend>Notifications</legend>
        <ParsedField f={f} path="notify.email.to" label="Email to" hint="Comma-separated addresses." {...commaList} />
        <ParsedField f={f} path="notify.email.on" label="Email on" hint="failure, retries_exhausted, success, recovered, long_running, skipped" {...commaList} />
        <TextField f={f} path="notify.webhook.target" label="Webhook" hint="The name of a webhook from Settings." />
        <NumberField f={f} path="notify.longRunningSeconds" label="Long running after (s)" />
      </fieldset>
      <div className="toolbar">
        <button className="primary" type="submit" disabled={busy}>Save</button>
        <button type="button" disabled={busy} onClick={() => void save(true)}>Save and run now</button>
        <button type="button" onClick={() => go('schedules')}>Cancel</button>
      </div>
    </form>
  );
}
