/**
 * Rules that span fields (a parameter's value against its type, maxParallel against overlap,
 * retry delays against each other, duplicate names). They read the raw input defensively, so
 * they report alongside the field problems instead of waiting for those to be fixed.
 */
import { DEFAULT_RETRY, type ParameterType } from '../types.ts';
import { hasPlaceholder } from './fields.ts';
import { isValidLiteral, LITERAL_FORMS, PARAMETER_TYPES } from './literal-values.ts';
import { describe, isRecord, type PathSegment, type RawProblem } from './problems.ts';
import { SECRET_PLACEHOLDER } from './secret-fields.ts';

/** Cross-field problems of one raw schedule item. */
export function scheduleCrossProblems(raw: unknown): RawProblem[] {
  if (!isRecord(raw)) return [];
  const problems: RawProblem[] = [];
  if (raw.maxParallel !== undefined && raw.overlap !== 'parallel') {
    problems.push({
      path: ['maxParallel'],
      message: `\`maxParallel\` is only allowed with \`overlap\` "parallel"; overlap is ${describe(raw.overlap ?? 'skip')}`,
    });
  }
  problems.push(...retryProblems(raw.retry));
  problems.push(...parameterProblems(raw.parameters, ['parameters'], true));
  if (isRecord(raw.job) && raw.job.type === 'sql') {
    problems.push(...parameterProblems(raw.job.parameters, ['job', 'parameters'], false));
  }
  if (isRecord(raw.job) && raw.job.type === 'http') problems.push(...httpProblems(raw.job));
  problems.push(...notifyProblems(raw.notify));
  return problems;
}

/** A problem for each item whose `name` repeats an earlier one (ignoring letter case). */
export function duplicateNameProblems(items: unknown[], noun: string): Array<{ index: number; message: string }> {
  const seen = new Map<string, number>();
  const problems: Array<{ index: number; message: string }> = [];
  items.forEach((item, index) => {
    if (!isRecord(item) || typeof item.name !== 'string') return;
    const key = item.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else problems.push({ index, message: `Duplicate ${noun} name \`${item.name}\` (already used by ${noun}s[${first}])` });
  });
  return problems;
}

function retryProblems(retry: unknown): RawProblem[] {
  if (!isRecord(retry)) return [];
  const delay = retry.delaySeconds ?? DEFAULT_RETRY.delaySeconds;
  const maxDelay = retry.maxDelaySeconds ?? DEFAULT_RETRY.maxDelaySeconds;
  if (typeof delay !== 'number' || typeof maxDelay !== 'number' || maxDelay >= delay) return [];
  if (retry.maxDelaySeconds === undefined) {
    return [
      {
        path: ['retry', 'delaySeconds'],
        message: `\`delaySeconds\` (${delay}) is more than the default \`maxDelaySeconds\` (${maxDelay}); set \`retry.maxDelaySeconds\` too`,
      },
    ];
  }
  return [
    {
      path: ['retry', 'maxDelaySeconds'],
      message: `\`maxDelaySeconds\` (${maxDelay}) must be at least \`delaySeconds\` (${delay})`,
    },
  ];
}

function parameterProblems(parameters: unknown, base: PathSegment[], scheduleLevel: boolean): RawProblem[] {
  if (!Array.isArray(parameters)) return [];
  const problems: RawProblem[] = [];
  const seen = new Map<string, number>();
  parameters.forEach((parameter: unknown, index) => {
    if (!isRecord(parameter)) return;
    const at = (field: string): PathSegment[] => [...base, index, field];
    if (typeof parameter.name === 'string') {
      const key = parameter.name.replace(/^@/, '').toLowerCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else problems.push({ path: at('name'), message: `Duplicate parameter name \`${parameter.name}\` (already used by parameters[${first}])` });
    }
    if (scheduleLevel && parameter.value !== undefined && parameter.query !== undefined) {
      problems.push({ path: at('query'), message: 'A parameter takes either `value` or `query`, not both' });
    }
    const hidden = parameter.secret === true;
    for (const field of ['value', 'default'] as const) {
      const problem = literalProblem(parameter.type, parameter[field], hidden);
      if (problem) problems.push({ path: at(field), message: problem });
    }
    if (typeof parameter.precision === 'number' && typeof parameter.scale === 'number' && parameter.scale > parameter.precision) {
      problems.push({ path: at('scale'), message: `\`scale\` (${parameter.scale}) must not exceed \`precision\` (${parameter.precision})` });
    }
  });
  return problems;
}

function literalProblem(type: unknown, value: unknown, hidden: boolean): string | undefined {
  if (typeof value !== 'string' || value === SECRET_PLACEHOLDER || hasPlaceholder(value)) return undefined;
  if (!PARAMETER_TYPES.includes(type as ParameterType)) return undefined;
  const parameterType = type as ParameterType;
  if (isValidLiteral(parameterType, value)) return undefined;
  return `Expected ${LITERAL_FORMS[parameterType]} for a parameter of type ${parameterType}, got ${describe(value, hidden)}`;
}

function httpProblems(job: Record<string, unknown>): RawProblem[] {
  const auth = job.auth;
  if (isRecord(auth) && auth.type === 'basic' && typeof auth.username === 'string' && auth.username.includes(':')) {
    return [{ path: ['job', 'auth', 'username'], message: 'A basic-auth `username` may not contain `:`' }];
  }
  return [];
}

function notifyProblems(notify: unknown): RawProblem[] {
  if (!isRecord(notify) || notify.longRunningSeconds !== undefined) return [];
  const problems: RawProblem[] = [];
  for (const channel of ['email', 'webhook'] as const) {
    const target = notify[channel];
    if (isRecord(target) && Array.isArray(target.on) && target.on.includes('long_running')) {
      problems.push({
        path: ['notify', channel, 'on'],
        message: 'The `long_running` event needs `notify.longRunningSeconds` (how long counts as long)',
      });
    }
  }
  return problems;
}
