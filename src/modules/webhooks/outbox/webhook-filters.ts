import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { compileFilter, FilterEnvelope, FilterMatcher } from '../routing/filter';

/** A filtered webhook as this process last read it: the filter's stored text is its version. */
export interface KnownFilter {
  webhookId: string;
  /** The filter as Postgres prints the jsonb; the outbox statement compares it to the row's. */
  text: string;
  matches: FilterMatcher;
}

/** Tenants whose filters are kept; the least recently used go first. */
const MAX_TENANTS = 10_000;

/**
 * The payload filters of each tenant's webhooks, compiled once, for the outbox write. Nothing
 * is read ahead: a tenant starts with no known filters, and the outbox statement itself reports
 * a filtered webhook whose filter this process does not know (a new one or a changed one) and
 * writes nothing; the writer then refreshes that tenant here and writes again. So a tenant
 * without filters never costs a query, and a stale cache can never deliver a wrong event.
 */
export class WebhookFilters {
  private readonly logger = new Logger(WebhookFilters.name);
  private readonly tenants = new Map<string, KnownFilter[]>();

  /** The tenant's filtered webhooks as last read; none for a tenant not read yet. */
  known(tenantId: string): readonly KnownFilter[] {
    const filters = this.tenants.get(tenantId);
    if (!filters) return [];
    // Map order is insertion order: moving the entry to the end keeps eviction LRU.
    this.tenants.delete(tenantId);
    this.tenants.set(tenantId, filters);
    return filters;
  }

  /** The ids of the tenant's known filtered webhooks that want this event. */
  matching(tenantId: string, envelope: () => FilterEnvelope): string[] {
    const filters = this.known(tenantId);
    if (filters.length === 0) return [];
    const event = envelope();
    return filters.filter((filter) => filter.matches(event)).map((filter) => filter.webhookId);
  }

  /** Reads the tenants' filtered webhooks again (active or not: the statement decides that). */
  async refresh(db: DataSource | EntityManager, tenantIds: readonly string[]): Promise<void> {
    const rows = await queryRows<{ id: string; tenant_id: string; filter: string }>(
      db,
      `SELECT id, tenant_id, filter::text AS filter FROM webhooks
        WHERE tenant_id = ANY($1::varchar[]) AND filter IS NOT NULL`,
      [tenantIds],
    );
    const read = new Map<string, KnownFilter[]>(tenantIds.map((tenantId) => [tenantId, []]));
    for (const row of rows) {
      read.get(row.tenant_id)?.push({
        webhookId: row.id,
        text: row.filter,
        matches: this.compiled(row.id, row.filter),
      });
    }
    for (const [tenantId, filters] of read) {
      this.tenants.delete(tenantId);
      this.tenants.set(tenantId, filters);
    }
    while (this.tenants.size > MAX_TENANTS) {
      this.tenants.delete(this.tenants.keys().next().value as string);
    }
  }

  /**
   * Stored filters were validated when saved. One that no longer compiles (a rule made stricter
   * since) matches nothing rather than everything: a filter exists to hold events back.
   */
  private compiled(webhookId: string, text: string): FilterMatcher {
    try {
      return compileFilter(JSON.parse(text));
    } catch (error) {
      this.logger.warn(`Webhook ${webhookId}: its stored filter no longer compiles (${error})`);
      return () => false;
    }
  }
}
