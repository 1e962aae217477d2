import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Webhook } from './webhook.entity';

export const DELIVERY_STATUSES = ['pending', 'sending', 'success', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  responseTimeMs: number | null;
  error: string | null;
}

/** One delivery of one event to one webhook; also the outbox row the queue is fed from. */
@Entity('webhook_logs')
export class WebhookLog {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  tenantId: string;

  @Column('uuid')
  webhookId: string;

  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: Webhook;

  @Column('varchar', { length: 255 })
  eventId: string;

  @Column('varchar', { length: 100 })
  eventType: string;

  /** The exact JSON envelope `{ id, type, timestamp, data }` sent as the request body. */
  @Column('json')
  payload: Record<string, unknown>;

  @Column('varchar', { length: 16, default: 'pending' })
  status: DeliveryStatus;

  @Column('int', { default: 0 })
  attemptCount: number;

  /** attempt_count when the current round began: a manual retry grants a full retry policy again. */
  @Column('int', { default: 0 })
  retryBase: number;

  @Column('jsonb', { default: [] })
  attempts: DeliveryAttempt[];

  @Column('int', { nullable: true })
  responseStatus: number | null;

  @Column('text', { nullable: true })
  responseBody: string | null;

  @Column('int', { nullable: true })
  responseTimeMs: number | null;

  @Column('text', { nullable: true })
  errorMessage: string | null;

  @Column('timestamptz', { nullable: true })
  nextAttemptAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;
}
