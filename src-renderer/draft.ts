/**
 * The schedule editor's draft: a loose copy of the schedule file's object, edited by dotted
 * paths (`job.auth.token`) and cleaned before it goes to the engine's validator.
 */
import type { Problem } from '../src-main/engine/errors.ts';

/** A draft object (the validator decides what is valid). */
export type Draft = Record<string, unknown>;

/** Reads a dotted path. */
export function getPath(draft: Draft, path: string): unknown {
  let value: unknown = draft;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Returns a copy of `draft` with `path` set to `value` (objects on the way are copied). */
export function setPath(draft: Draft, path: string, value: unknown): Draft {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...draft, [head]: value };
  const child = draft[head];
  const base = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Draft) : {};
  return { ...draft, [head]: setPath(base, rest.join('.'), value) };
}

/** Drops empty strings and undefined from objects (optional fields left blank). */
export function cleanDraft(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanDraft);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === '' || v === undefined) continue;
    out[key] = cleanDraft(v);
  }
  return out;
}

/** The problems of one field: its path exactly or anything under it. */
export function problemFor(problems: Problem[], path: string): string | undefined {
  const hits = problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
  return hits.length ? hits.map((p) => p.message).join(' ') : undefined;
}

/** "A=1\nB=2" ⇄ { A: '1', B: '2' } for environment variables and headers. */
export function linesToMap(text: string): Record<string, string> | undefined {
  const entries = text.split('\n').filter((l) => l.trim()).map((l) => {
    const at = l.indexOf(l.includes('=') ? '=' : ':');
    return at < 0 ? [l.trim(), ''] : [l.slice(0, at).trim(), l.slice(at + 1).trim()];
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** The inverse of linesToMap. */
export function mapToLines(map: unknown, separator = '='): string {
  if (!map || typeof map !== 'object') return '';
  return Object.entries(map as Record<string, string>).map(([k, v]) => `${k}${separator}${v}`).join('\n');
}

/** A new schedule's starting draft. */
export function newDraft(): Draft {
  return {
    name: '',
    description: '',
    cron: '0 * * * *',
    timezone: '',
    enabled: true,
    tags: [],
    job: { type: 'process', executablePath: '', arguments: [] },
    parameters: [],
    retry: { maxRetries: 0, delaySeconds: 5, multiplier: 2, jitter: 0, maxDelaySeconds: 3600 },
    overlap: 'skip',
    misfire: 'fire_once',
    priority: 0,
  };
}
