import {
  DAY_MS,
  dayPartitionName,
  expiredRanges,
  missingDays,
  partitionRange,
} from './day-partitions';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('day partitions', () => {
  it('names a partition after the UTC day of any moment in it', () => {
    expect(dayPartitionName('webhook_logs', Date.parse('2026-12-02T23:59:59.999Z'))).toBe(
      'webhook_logs_p20261202',
    );
    expect(dayPartitionName('webhook_events', day('2027-01-01'))).toBe('webhook_events_p20270101');
  });

  it('reads the range back from the name', () => {
    expect(partitionRange('webhook_logs', 'webhook_logs_p20261202')).toEqual({
      name: 'webhook_logs_p20261202',
      fromMs: day('2026-12-02'),
      toMs: day('2026-12-03'),
    });
    expect(partitionRange('webhook_logs', 'webhook_logs_before_20260901')).toEqual({
      name: 'webhook_logs_before_20260901',
      fromMs: null,
      toMs: day('2026-09-01'),
    });
  });

  it('ignores names it did not make', () => {
    expect(partitionRange('webhook_logs', 'webhook_events_p20261202')).toBeNull();
    expect(partitionRange('webhook_logs', 'webhook_logs_p2026120')).toBeNull();
    expect(partitionRange('webhook_logs', 'webhook_logs_p20261399')).toBeNull();
    expect(partitionRange('webhook_logs', 'webhook_logs_p20261202_old')).toBeNull();
  });

  it('finds the days no partition covers, the open-ended one included', () => {
    const existing = [
      partitionRange('webhook_logs', 'webhook_logs_before_20261201')!,
      partitionRange('webhook_logs', 'webhook_logs_p20261202')!,
    ];
    expect(missingDays(existing, day('2026-11-29'), day('2026-12-04') + 5)).toEqual([
      day('2026-12-01'),
      day('2026-12-03'),
      day('2026-12-04'),
    ]);
  });

  it('expires a day only once every row in it is older than the retention, oldest first', () => {
    const existing = ['p20261103', 'p20261101', 'before_20261101', 'p20261102'].map(
      (suffix) => partitionRange('webhook_logs', `webhook_logs_${suffix}`)!,
    );
    // Retention 30 days at 2 Dec 12:00: the cutoff is 2 Nov 12:00.
    const now = day('2026-12-02') + DAY_MS / 2;
    expect(expiredRanges(existing, now, 30).map((range) => range.name)).toEqual([
      'webhook_logs_before_20261101',
      'webhook_logs_p20261101',
    ]);
    expect(expiredRanges(existing, day('2026-12-03'), 30).map((range) => range.name)).toContain(
      'webhook_logs_p20261102',
    );
  });
});
