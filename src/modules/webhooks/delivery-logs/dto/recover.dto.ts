import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, MaxDate, MinDate } from 'class-validator';
import { EARLIEST_DATE } from '../../http/validation/earliest-date';

export class RecoverDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Re-queue failed deliveries created since',
  })
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 date' })
  @MinDate(EARLIEST_DATE, { message: `since must not be before ${EARLIEST_DATE.toISOString()}` })
  @MaxDate(() => new Date(), { message: 'since must not be in the future' })
  since: Date;
}

export class QueuedResponse {
  @ApiProperty() queued: number;
}
