import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One triggered event that has deliveries: its payload, stored once however many webhooks it
 * goes to. Day-partitioned like the logs, which join it on all three key columns (see the
 * PartitionedLogsAndEvents migration, which owns the table).
 */
@Entity({ name: 'webhook_events' })
@Index('idx_webhook_events_tenant_created', { synchronize: false })
export class WebhookEvent {
  @PrimaryColumn('varchar', { name: 'tenant_id', length: 255 })
  tenantId: string;

  @PrimaryColumn('varchar', { name: 'event_id', length: 255 })
  eventId: string;

  @Column('varchar', { name: 'event_type', length: 100 })
  eventType: string;

  /** The exact JSON envelope `{ id, type, timestamp, data }` sent as the request body. */
  @Column('json', { name: 'payload' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', primary: true })
  createdAt: Date;
}
