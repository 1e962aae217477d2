import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { RetryPolicy } from './retry-policy';

@Entity('webhooks')
export class Webhook {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  tenantId: string;

  @Column('varchar', { length: 255 })
  name: string;

  @Column('varchar', { length: 1000, nullable: true })
  description: string | null;

  @Column('varchar', { length: 2048 })
  url: string;

  @Column('text', { array: true })
  events: string[];

  @Column('jsonb', { default: {} })
  headers: Record<string, string>;

  @Column('jsonb')
  retryPolicy: RetryPolicy;

  @Column('int')
  timeoutMs: number;

  @Column('int', { nullable: true })
  rateLimitPerSecond: number | null;

  @Column('boolean', { default: true })
  isActive: boolean;

  @Column('text', { nullable: true })
  disabledReason: string | null;

  /** Encrypted at rest (`enc:v1:…`, see SecretCipher); WebhookRegistryService decrypts it. */
  @Column('text')
  secret: string;

  /** The secret replaced by the last rotation, still signing until `previousSecretExpiresAt`. */
  @Column('text', { nullable: true })
  previousSecret: string | null;

  @Column('timestamptz', { nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column('int', { default: 0 })
  totalDeliveries: number;

  @Column('int', { default: 0 })
  successfulDeliveries: number;

  @Column('int', { default: 0 })
  failedDeliveries: number;

  @Column('int', { default: 0 })
  consecutiveFailures: number;

  /** Start of the current run of failed deliveries; drives auto-disable. */
  @Column('timestamptz', { nullable: true })
  failingSince: Date | null;

  @Column('timestamptz', { nullable: true })
  lastTriggeredAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastSuccessAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastFailureAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
