/** Retry timing for jobs: exponential backoff with a little jitter, capped. */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** Upper bound of any one delay. */
  maxMs: number;
  /** Extra random fraction of the delay (0.25 = up to +25 %), spreading retries of many workers. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 6 * 3_600_000, jitter: 0.25 };

/** The delay before the next try after `attempts` failed tries (1-based): base * 2^(attempts-1), capped, plus jitter. */
export function backoffDelay(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp + exp * policy.jitter * random());
}
