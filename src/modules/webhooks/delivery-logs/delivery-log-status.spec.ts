import {
  canMove,
  CLAIMABLE_STATUSES,
  DELIVERY_STATUSES,
  DELIVERY_TRANSITIONS,
  FINAL_STATUSES,
  sqlList,
  statusesMovingTo,
  WAITING_STATUSES,
} from './delivery-log-status';

describe('delivery log statuses', () => {
  it('lets every status move somewhere, and only to known statuses', () => {
    for (const from of DELIVERY_STATUSES) {
      expect(DELIVERY_TRANSITIONS[from].length).toBeGreaterThan(0);
      for (const to of DELIVERY_TRANSITIONS[from]) expect(DELIVERY_STATUSES).toContain(to);
    }
  });

  it('sends only from a claim: success, retrying and failed are reached from sending alone', () => {
    for (const outcome of ['success', 'retrying', 'failed'] as const) {
      expect(statusesMovingTo(outcome)).toEqual(['sending']);
    }
    expect(canMove('pending', 'success')).toBe(false);
    expect(canMove('retrying', 'failed')).toBe(false);
  });

  it('never claims a final row: only a manual retry or a recover brings it back, as pending', () => {
    for (const final of FINAL_STATUSES) {
      expect(DELIVERY_TRANSITIONS[final]).toEqual(['pending']);
      expect(canMove(final, 'sending')).toBe(false);
    }
    expect(statusesMovingTo('pending')).toEqual(['success', 'failed']);
  });

  it('claims pending and retrying rows, and sending ones whose lease ran out', () => {
    expect(CLAIMABLE_STATUSES).toEqual(['pending', 'sending', 'retrying']);
    expect(WAITING_STATUSES).toEqual(['pending', 'retrying']);
    expect([...CLAIMABLE_STATUSES, ...FINAL_STATUSES].sort()).toEqual(
      [...DELIVERY_STATUSES].sort(),
    );
  });

  it('writes the lists as the partial index idx_webhook_logs_due spells its predicate', () => {
    expect(sqlList(CLAIMABLE_STATUSES)).toBe(`'pending', 'sending', 'retrying'`);
    expect(sqlList(FINAL_STATUSES)).toBe(`'success', 'failed'`);
  });
});
