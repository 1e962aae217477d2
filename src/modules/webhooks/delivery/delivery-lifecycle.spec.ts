import {
  ENQUEUE_TIMEOUT_MS,
  JOB_LOCK,
  MAX_ATTEMPT_MS,
  RELAY_GRACE_MS,
  RELAY_INTERVAL_MS,
  SENDING_LEASE_MS,
  SHUTDOWN_GRACE_MS,
} from './delivery-lifecycle';

describe('delivery lifecycle timings', () => {
  it('let shutdown outlast the longest attempt', () => {
    expect(SHUTDOWN_GRACE_MS).toBeGreaterThan(MAX_ATTEMPT_MS);
  });

  it('renew a job lock several times before it could expire under a live worker', () => {
    expect(JOB_LOCK.lockDuration / JOB_LOCK.lockRenewTime).toBeGreaterThanOrEqual(5);
    expect(JOB_LOCK.stalledInterval).toBeLessThanOrEqual(JOB_LOCK.lockDuration);
  });

  it('let the relay look only at rows past the time an enqueue may take', () => {
    expect(RELAY_GRACE_MS).toBeGreaterThan(ENQUEUE_TIMEOUT_MS);
    expect(RELAY_INTERVAL_MS).toBeLessThanOrEqual(RELAY_GRACE_MS);
  });

  it('never hand a live attempt to another worker', () => {
    expect(SENDING_LEASE_MS).toBeGreaterThan(MAX_ATTEMPT_MS + JOB_LOCK.lockDuration);
  });
});
