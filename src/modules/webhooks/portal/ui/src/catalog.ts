import { get } from './api';
import type { CatalogEvent } from './types';

let catalog: Promise<CatalogEvent[]> | undefined;

/** The event catalog (`*` left out: the form offers it on its own), loaded once per page. */
export function loadCatalog(): Promise<CatalogEvent[]> {
  catalog ??= get<{ events: CatalogEvent[] }>('webhooks/events').then(
    ({ events }) => events.filter((event) => event.type !== '*' && !event.type.endsWith('.*')),
    (error: unknown) => {
      catalog = undefined;
      throw error;
    },
  );
  return catalog;
}

/** Catalog types by category, in catalog order. */
export function byCategory(events: CatalogEvent[]): [string, CatalogEvent[]][] {
  const groups = new Map<string, CatalogEvent[]>();
  for (const event of events) {
    const group = groups.get(event.category) ?? [];
    group.push(event);
    groups.set(event.category, group);
  }
  return [...groups];
}
