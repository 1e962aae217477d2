import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { RetryPolicy } from './retry-policy';
import { WebhookFilter, WebhookFormat, WebhookOrdering } from '../routing/routing-settings';

/**
 * Names, indexes and checks match the migrations, so a host's `migration:generate` finds nothing
 * to change in these tables. The indexes are the migrations' own (DESC, INCLUDE and WHERE
 * are beyond TypeORM's index metadata): named here so TypeORM leaves them alone.
 */
@Entity({ name: 'webhooks' })
@Index('idx_webhooks_tenant_created', { synchronize: false })
@Index('idx_webhooks_tenant_active', { synchronize: false })
@Check('webhooks_events_check', 'cardinality(events) > 0')
@Check('webhooks_timeout_ms_check', 'timeout_ms BETWEEN 1000 AND 30000')
@Check('webhooks_rate_limit_per_second_check', 'rate_limit_per_second BETWEEN 1 AND 1000')
@Check('webhooks_ordering_check', "ordering IN ('unordered', 'fifo')")
@Check('webhooks_format_check', "format IN ('standard', 'slack', 'discord')")
export class Webhook {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column('varchar', { name: 'tenant_id', length: 255 })
  tenantId: string;

  @Column('varchar', { name: 'name', length: 255 })
  name: string;

  @Column('varchar', { name: 'description', length: 1000, nullable: true })
  description: string | null;

  @Column('varchar', { name: 'url', length: 2048 })
  url: string;

  @Column('text', { name: 'events', array: true })
  events: string[];

  @Column('jsonb', { name: 'headers', default: {} })
  headers: Record<string, string>;

  @Column('jsonb', { name: 'retry_policy' })
  retryPolicy: RetryPolicy;

  @Column('int', { name: 'timeout_ms' })
  timeoutMs: number;

  @Column('int', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond: number | null;

  /** Deliveries are written only for events that match it (routing/filter); null: every event. */
  @Column('jsonb', { name: 'filter', nullable: true })
  filter: WebhookFilter | null;

  @Column('varchar', { name: 'ordering', length: 16, default: 'unordered' })
  ordering: WebhookOrdering;

  @Column('varchar', { name: 'format', length: 16, default: 'standard' })
  format: WebhookFormat;

  /** The `{{path}}` text of slack and discord bodies; null: the default template. */
  @Column('varchar', { name: 'template', length: 2000, nullable: true })
  template: string | null;

  /**
   * The last sequence number given to one of its FIFO deliveries, raised by the outbox insert
   * under the row lock (so numbers follow commit order). Internal: never in a response.
   */
  @Column('bigint', { name: 'fifo_sequence', default: 0, select: false })
  fifoSequence: string;

  @Column('boolean', { name: 'is_active', default: true })
  isActive: boolean;

  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason: string | null;

  /** Encrypted at rest (`enc:v1:…`, see SecretCipher); WebhookRegistryService decrypts it. */
  @Column('text', { name: 'secret' })
  secret: string;

  /** The secret replaced by the last rotation, still signing until `previousSecretExpiresAt`. */
  @Column('text', { name: 'previous_secret', nullable: true })
  previousSecret: string | null;

  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column('int', { name: 'total_deliveries', default: 0 })
  totalDeliveries: number;

  @Column('int', { name: 'successful_deliveries', default: 0 })
  successfulDeliveries: number;

  @Column('int', { name: 'failed_deliveries', default: 0 })
  failedDeliveries: number;

  @Column('int', { name: 'consecutive_failures', default: 0 })
  consecutiveFailures: number;

  /** Start of the current run of failed deliveries; drives auto-disable. */
  @Column('timestamptz', { name: 'failing_since', nullable: true })
  failingSince: Date | null;

  @Column('timestamptz', { name: 'last_triggered_at', nullable: true })
  lastTriggeredAt: Date | null;

  @Column('timestamptz', { name: 'last_success_at', nullable: true })
  lastSuccessAt: Date | null;

  @Column('timestamptz', { name: 'last_failure_at', nullable: true })
  lastFailureAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
