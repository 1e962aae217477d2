import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const CAMPAIGN_STATUSES = ['draft', 'running', 'completed', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A one-off send to a list of recipients: the example producer of `campaign.*` events. */
@Entity({ name: 'campaigns' })
@Check('campaigns_recipients_check', 'cardinality(recipients) > 0')
@Check('campaigns_status_check', `status IN ('draft', 'running', 'completed', 'failed')`)
export class Campaign {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('varchar', { name: 'name', length: 255 })
  name: string;

  @Column('text', { name: 'recipients', array: true })
  recipients: string[];

  @Column('varchar', { name: 'status', length: 16, default: 'draft' })
  status: CampaignStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;
}
