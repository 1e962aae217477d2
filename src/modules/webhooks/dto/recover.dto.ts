import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, MaxDate } from 'class-validator';

export class RecoverDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Re-queue failed deliveries created since',
  })
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 date' })
  @MaxDate(() => new Date(), { message: 'since must not be in the future' })
  since: Date;
}

export class QueuedResponse {
  @ApiProperty() queued: number;
}
