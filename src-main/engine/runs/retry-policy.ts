/**
 * When a failed attempt is tried again: `delaySeconds * multiplier^attempt`, ± `jitter`, capped
 * by `maxDelaySeconds`, never past `maxTotalSeconds` after the chain's first attempt started, and
 * never sooner than a delay the job itself asked for (HTTP Retry-After).
 */
import type { RetryPolicy } from '../types.ts';

export interface RetryInput {
  policy: RetryPolicy;
  /** The attempt that just failed (0 for the first run). */
  attempt: number;
  finishedAt: number;
  chainStartedAt: number;
  /** A minimum delay the job asked for, ms. */
  retryAfterMs?: number;
  /** Uniform in [0, 1); injectable so tests are exact. */
  random: () => number;
}

export type RetryDecision = { retry: true; dueAt: number; delayMs: number } | { retry: false; why: string };

/** Decides whether and when the next attempt runs. */
export function decideRetry(input: RetryInput): RetryDecision {
  const { policy, attempt } = input;
  if (attempt >= policy.maxRetries) {
    return { retry: false, why: policy.maxRetries === 0 ? 'no retries configured' : `all ${policy.maxRetries} retries used` };
  }
  const base = policy.delaySeconds * policy.multiplier ** attempt;
  const jittered = base * (1 + policy.jitter * (2 * input.random() - 1));
  const capped = Math.min(jittered, policy.maxDelaySeconds);
  const delayMs = Math.max(Math.round(capped * 1000), input.retryAfterMs ?? 0);
  const dueAt = input.finishedAt + delayMs;
  if (policy.maxTotalSeconds !== undefined && dueAt - input.chainStartedAt > policy.maxTotalSeconds * 1000) {
    return {
      retry: false,
      why: `the next retry (in ${Math.round(delayMs / 1000)} s) would pass maxTotalSeconds (${policy.maxTotalSeconds} s)`,
    };
  }
  return { retry: true, dueAt, delayMs };
}
