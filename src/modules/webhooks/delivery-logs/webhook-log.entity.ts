import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { DELIVERY_STATUSES, DeliveryStatus, sqlList } from './delivery-log-status';
import { WebhookEvent } from './webhook-event.entity';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  responseTimeMs: number | null;
  error: string | null;
}

/**
 * One delivery of one event to one webhook; also the outbox row the queue is fed from. Names,
 * indexes and checks match the migrations, which own the indexes (see Webhook). Partitioned by
 * day of created_at, part of the primary key; no foreign key (the migration says why).
 */
@Entity({ name: 'webhook_logs' })
@Index('idx_webhook_logs_webhook_created', { synchronize: false })
@Index('idx_webhook_logs_due', { synchronize: false })
@Index('idx_webhook_logs_fifo', { synchronize: false })
@Check('webhook_logs_status_check', `status IN (${sqlList(DELIVERY_STATUSES)})`)
export class WebhookLog {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column('varchar', { name: 'tenant_id', length: 255 })
  tenantId: string;

  @Column('uuid', { name: 'webhook_id' })
  webhookId: string;

  @Column('varchar', { name: 'event_id', length: 255 })
  eventId: string;

  @Column('varchar', { name: 'event_type', length: 100 })
  eventType: string;

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

  /** Its place in a FIFO webhook's order (Webhook.fifoSequence); null for unordered webhooks. */
  @Column('bigint', { name: 'fifo_sequence', nullable: true, select: false })
  fifoSequence: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', primary: true })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;

  /** The event delivered, with its payload (joined by the repository where a route shows it). */
  event?: WebhookEvent;
}
