import { DataSource } from 'typeorm';
import { FilterEnvelope } from '../routing/filter';
import { WebhookFilters } from './webhook-filters';

/** A database that answers the filter query with these rows. */
function databaseWith(rows: Array<{ id: string; tenant_id: string; filter: string }>) {
  return { query: jest.fn(async () => rows) } as unknown as DataSource & { query: jest.Mock };
}

const event = (to: string): FilterEnvelope => ({
  id: 'evt_1',
  type: 'message.sent',
  timestamp: '2026-12-02T08:00:00.000Z',
  data: { message: { to } },
});

describe('WebhookFilters', () => {
  it('knows nothing of a tenant it has not read, and never parses its events', () => {
    const filters = new WebhookFilters();
    const envelope = jest.fn(() => event('+1'));
    expect(filters.known('org_1')).toEqual([]);
    expect(filters.matching('org_1', envelope)).toEqual([]);
    expect(envelope).not.toHaveBeenCalled();
  });

  it('names the filtered webhooks that want an event, once read', async () => {
    const filters = new WebhookFilters();
    await filters.refresh(
      databaseWith([
        { id: 'w1', tenant_id: 'org_1', filter: '{"data.message.to": {"$startsWith": "+1"}}' },
        { id: 'w2', tenant_id: 'org_1', filter: '{"data.message.to": {"$startsWith": "+44"}}' },
      ]),
      ['org_1'],
    );
    expect(filters.known('org_1').map((filter) => filter.text)).toEqual([
      '{"data.message.to": {"$startsWith": "+1"}}',
      '{"data.message.to": {"$startsWith": "+44"}}',
    ]);
    expect(filters.matching('org_1', () => event('+15550100'))).toEqual(['w1']);
    expect(filters.matching('org_1', () => event('+447700900'))).toEqual(['w2']);
  });

  it('forgets filters a re-read no longer finds', async () => {
    const filters = new WebhookFilters();
    await filters.refresh(databaseWith([{ id: 'w1', tenant_id: 'org_1', filter: '{}' }]), [
      'org_1',
    ]);
    await filters.refresh(databaseWith([]), ['org_1']);
    expect(filters.known('org_1')).toEqual([]);
  });

  it('lets nothing through a stored filter that no longer compiles', async () => {
    const filters = new WebhookFilters();
    await filters.refresh(
      databaseWith([{ id: 'w1', tenant_id: 'org_1', filter: '{"data.x": {"$like": "a"}}' }]),
      ['org_1'],
    );
    expect(filters.matching('org_1', () => event('+1'))).toEqual([]);
  });
});
