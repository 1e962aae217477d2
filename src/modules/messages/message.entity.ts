import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** An outbound message: the example producer of `message.*` webhook events. */
@Entity({ name: 'messages' })
@Index('idx_messages_tenant_created', ['tenantId', 'createdAt'])
@Check('messages_status_check', `status IN ('sent', 'delivered', 'read', 'failed')`)
export class Message {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('varchar', { name: 'to', length: 255 })
  to: string;

  @Column('text', { name: 'body' })
  body: string;

  @Column('varchar', { name: 'status', length: 16, default: 'sent' })
  status: MessageStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
