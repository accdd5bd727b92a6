/** Schedule parameters as rows (name, type, value, secret); secret values are write-only. */
import type { ScheduleParameter } from '../../src-main/engine/types.ts';
import { problemFor } from '../draft.ts';
import type { Form } from './form-fields.tsx';
import { SecretInput } from './secret-input.tsx';

const TYPES = ['string', 'int', 'bigint', 'decimal', 'bit', 'nvarchar', 'varchar', 'datetime', 'datetime2', 'date', 'uniqueidentifier'];

/** The parameters table. */
export function ParametersEditor({ f }: { f: Form }) {
  const list = (Array.isArray(f.draft.parameters) ? f.draft.parameters : []) as ScheduleParameter[];
  const update = (i: number, patch: Partial<ScheduleParameter>) => f.set('parameters', list.map((p, j) => (i === j ? { ...p, ...patch } : p)));
  return (
    <fieldset className="panel">
      <legend>Parameters</legend>
      {list.length > 0 && (
        <table>
          <thead><tr><th>Name</th><th>Type</th><th>Value</th><th>Secret</th><th><span className="sr-only">Remove</span></th></tr></thead>
          <tbody>
            {list.map((p, i) => {
              const problem = problemFor(f.problems, `parameters[${i}]`);
              return (
                <tr key={i}>
                  <td><input aria-label={`Parameter ${i + 1} name`} value={p.name} onChange={(e) => update(i, { name: e.target.value })} aria-invalid={problem ? true : undefined} />
                    {problem && <div className="problem error" role="alert">{problem}</div>}</td>
                  <td><select aria-label={`Parameter ${i + 1} type`} value={p.type} onChange={(e) => update(i, { type: e.target.value as ScheduleParameter['type'] })}>
                    {TYPES.map((t) => <option key={t}>{t}</option>)}</select></td>
                  <td>{p.secret
                    ? <SecretInput aria-describedby={undefined} value={p.value ?? undefined} onChange={(v) => update(i, { value: v })} id={`param-${i}-value`} />
                    : <input aria-label={`Parameter ${i + 1} value`} value={p.value ?? ''} onChange={(e) => update(i, { value: e.target.value })} />}</td>
                  <td><input type="checkbox" aria-label={`Parameter ${i + 1} is secret`} checked={p.secret === true} onChange={(e) => update(i, { secret: e.target.checked })} /></td>
                  <td><button type="button" onClick={() => f.set('parameters', list.filter((_, j) => j !== i))} aria-label={`Remove parameter ${i + 1}`}>Remove</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => f.set('parameters', [...list, { name: '', type: 'string', value: '' }])}>Add parameter</button>
    </fieldset>
  );
}
