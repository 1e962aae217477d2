import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { RetryPolicy } from './retry-policy';

@Entity({ name: 'webhooks' })
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
