import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

/** `sent` is where every message starts; a client reports what happened next. */
export const REPORTED_MESSAGE_STATUSES = ['delivered', 'read', 'failed'] as const;
export type ReportedMessageStatus = (typeof REPORTED_MESSAGE_STATUSES)[number];

export class UpdateMessageStatusDto {
  @ApiProperty({ enum: REPORTED_MESSAGE_STATUSES, example: 'delivered' })
  @IsIn(REPORTED_MESSAGE_STATUSES)
  status: ReportedMessageStatus;
}
