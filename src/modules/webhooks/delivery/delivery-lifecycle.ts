import { MAX_TIMEOUT_MS } from '../endpoints/retry-policy';

/**
 * The timings of a delivery's life, in one place, because each is chosen against the others
 * (docs/operations.md, "Recovery times"). delivery-lifecycle.spec.ts checks how they relate.
 */

/** The longest one attempt may take: the largest `timeoutMs` a webhook can have. */
export const MAX_ATTEMPT_MS = MAX_TIMEOUT_MS;

/** A worker's SIGTERM waits this long for its deliveries in flight to be recorded. */
export const SHUTDOWN_GRACE_MS = MAX_ATTEMPT_MS + 5_000;

/**
 * A delivery job's BullMQ lock: renewed every second while the attempt runs, so a live worker
 * keeps its jobs through 5 s without renewals; another worker takes a dead worker's job once
 * the lock expired, at the next stalled check, and never one whose lock is still held.
 */
export const JOB_LOCK = { lockDuration: 6_000, lockRenewTime: 1_000, stalledInterval: 1_000 };

/** An enqueue after commit gives up after this long; the relay enqueues the row later. */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/** How often the outbox relay looks for due rows without a job. */
export const RELAY_INTERVAL_MS = 2_000;

/**
 * How overdue a due row must be before the relay asks Redis whether its job was lost: longer
 * than commit-to-job takes (the enqueue timeout), so it seldom looks at jobs on their way. A
 * row re-enqueued anyway is harmless: the job id is the row's, and a final row is never
 * claimed again.
 */
export const RELAY_GRACE_MS = 5_000;

/**
 * A claimed (`sending`) row whose worker never recorded an outcome is due again after this
 * long: well past the longest attempt, so a live worker's delivery is never taken from it.
 */
export const SENDING_LEASE_MS = 120_000;

/** Claims beyond maxAttempts tolerated for attempts whose worker died before recording. */
export const UNRECORDED_ATTEMPTS_ALLOWED = 2;
