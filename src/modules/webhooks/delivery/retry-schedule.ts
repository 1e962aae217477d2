import { RetryPolicy } from '../endpoints/retry-policy';

/** ±20 % so endpoints that failed together are not retried in lockstep. */
const JITTER = 0.2;

/**
 * Delay before the attempt after `failedAttempts` failures (1-based), per policy:
 * exponential `initial·2^(n-1)`, linear `initial·n`, fixed `initial`; jittered, capped at
 * `maxDelayMs`. A receiver's `Retry-After` replaces the computed delay, still capped.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempts: number,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 0), policy.maxDelayMs);
  const n = Math.max(1, failedAttempts);
  const base =
    policy.backoff === 'exponential'
      ? policy.initialDelayMs * 2 ** Math.min(n - 1, 40)
      : policy.backoff === 'linear'
        ? policy.initialDelayMs * n
        : policy.initialDelayMs;
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(jittered, policy.maxDelayMs));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; null when absent or invalid. */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
