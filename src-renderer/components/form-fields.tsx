/** Draft-bound form fields for the schedule editor: text, number, select, checkbox, lists and secrets. */
import { useState } from 'react';
import type { Problem } from '../../src-main/engine/errors.ts';
import { getPath, problemFor, type Draft } from '../draft.ts';
import { Field } from './field.tsx';
import { SecretInput } from './secret-input.tsx';

/** What every bound field needs: the draft, a setter and the validator's problems. */
export interface Form {
  draft: Draft;
  set: (path: string, value: unknown) => void;
  problems: Problem[];
}

interface Bound {
  f: Form;
  path: string;
  label: string;
  hint?: string;
}

/** A text input (or textarea with `rows`). */
export function TextField({ f, path, label, hint, rows, placeholder }: Bound & { rows?: number; placeholder?: string }) {
  const value = (getPath(f.draft, path) as string | undefined) ?? '';
  const onChange = (e: { target: { value: string } }) => f.set(path, e.target.value);
  return (
    <Field label={label} hint={hint} problem={problemFor(f.problems, path)}>
      {rows ? <textarea rows={rows} value={value} onChange={onChange} placeholder={placeholder} /> : <input value={value} onChange={onChange} placeholder={placeholder} />}
    </Field>
  );
}

/** A number input; blank means "not set". */
export function NumberField({ f, path, label, hint }: Bound) {
  const value = getPath(f.draft, path);
  return (
    <Field label={label} hint={hint} problem={problemFor(f.problems, path)}>
      <input type="number" value={value === undefined || value === null ? '' : String(value)}
        onChange={(e) => f.set(path, e.target.value === '' ? undefined : Number(e.target.value))} />
    </Field>
  );
}

/** A select from fixed options. */
export function SelectField({ f, path, label, hint, options }: Bound & { options: string[] }) {
  return (
    <Field label={label} hint={hint} problem={problemFor(f.problems, path)}>
      <select value={(getPath(f.draft, path) as string | undefined) ?? ''} onChange={(e) => f.set(path, e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>{o || '(default)'}</option>
        ))}
      </select>
    </Field>
  );
}

/** A checkbox. */
export function CheckField({ f, path, label, hint }: Bound) {
  return (
    <Field label={label} hint={hint} problem={problemFor(f.problems, path)}>
      <input type="checkbox" checked={getPath(f.draft, path) === true} onChange={(e) => f.set(path, e.target.checked)} />
    </Field>
  );
}

/** A secret (write-only) field. */
export function SecretField({ f, path, label, hint }: Bound) {
  return (
    <Field label={label} hint={hint} problem={problemFor(f.problems, path)}>
      <SecretInput value={getPath(f.draft, path) as string | undefined} onChange={(v) => f.set(path, v)} />
    </Field>
  );
}

/**
 * Text that maps to a structured value (a list, a map); keeps its own text while typing so
 * blank lines and separators survive, and sends the parsed value on each change.
 */
export function ParsedField({ f, path, label, hint, rows, format, parse }: Bound & {
  rows?: number;
  format: (value: unknown) => string;
  parse: (text: string) => unknown;
}) {
  const [text, setText] = useState(() => format(getPath(f.draft, path)));
  const onChange = (value: string) => {
    setText(value);
    f.set(path, parse(value));
  };
  return (
    <Field label={label} hint={hint} problem={problemFor(f.problems, path)}>
      {rows ? <textarea rows={rows} value={text} onChange={(e) => onChange(e.target.value)} /> : <input value={text} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

/** Comma-separated list ⇄ string[]. */
export const commaList = {
  format: (v: unknown) => (Array.isArray(v) ? v.join(', ') : ''),
  parse: (t: string) => t.split(',').map((s) => s.trim()).filter(Boolean),
};

/** One item per line ⇄ string[]. */
export const lineList = {
  format: (v: unknown) => (Array.isArray(v) ? v.join('\n') : ''),
  parse: (t: string) => t.split('\n').filter((s) => s !== ''),
};

/** Comma-separated numbers ⇄ number[] (undefined when blank). */
export const numberList = {
  format: (v: unknown) => (Array.isArray(v) ? v.join(', ') : ''),
  parse: (t: string) => {
    const items = t.split(',').map((s) => s.trim()).filter(Boolean);
    return items.length ? items.map((s) => (Number.isFinite(Number(s)) ? Number(s) : s)) : undefined;
  },
};
