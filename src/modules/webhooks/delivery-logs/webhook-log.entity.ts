import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { DELIVERY_STATUSES, DeliveryStatus, sqlList } from './delivery-log-status';
import { Webhook } from '../endpoints/webhook.entity';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  responseTimeMs: number | null;
  error: string | null;
}

/**
 * One delivery of one event to one webhook; also the outbox row the queue is fed from. Names,
 * indexes and checks match the migrations, which own the indexes (see Webhook).
 */
@Entity({ name: 'webhook_logs' })
@Index('uq_webhook_logs_webhook_event', { synchronize: false })
@Index('idx_webhook_logs_tenant_event', { synchronize: false })
@Index('idx_webhook_logs_webhook_created', { synchronize: false })
@Index('idx_webhook_logs_due', { synchronize: false })
@Index('idx_webhook_logs_created', { synchronize: false })
@Check('webhook_logs_status_check', `status IN (${sqlList(DELIVERY_STATUSES)})`)
export class WebhookLog {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column('varchar', { name: 'tenant_id', length: 255 })
  tenantId: string;

  @Column('uuid', { name: 'webhook_id' })
  webhookId: string;

  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'webhook_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'webhook_logs_webhook_id_fkey',
  })
  webhook?: Webhook;

  @Column('varchar', { name: 'event_id', length: 255 })
  eventId: string;

  @Column('varchar', { name: 'event_type', length: 100 })
  eventType: string;

  /** The exact JSON envelope `{ id, type, timestamp, data }` sent as the request body. */
  @Column('json', { name: 'payload' })
  payload: Record<string, unknown>;

  @Column('varchar', { name: 'status', length: 16, default: 'pending' })
  status: DeliveryStatus;

  @Column('int', { name: 'attempt_count', default: 0 })
  attemptCount: number;

  /** attempt_count when the current round began: a manual retry grants a full retry policy again. */
  @Column('int', { name: 'retry_base', default: 0 })
  retryBase: number;

  @Column('jsonb', { name: 'attempts', default: [] })
  attempts: DeliveryAttempt[];

  @Column('int', { name: 'response_status', nullable: true })
  responseStatus: number | null;

  @Column('text', { name: 'response_body', nullable: true })
  responseBody: string | null;

  @Column('int', { name: 'response_time_ms', nullable: true })
  responseTimeMs: number | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;
}
