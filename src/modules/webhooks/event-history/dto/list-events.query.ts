import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, MaxLength, MinDate } from 'class-validator';
import { PaginationQueryDto } from '../../http/pagination.dto';
import { EARLIEST_DATE } from '../../http/validation/earliest-date';

/** The event list's filters: the same rules as the delivery log list's. */
export class ListEventsQuery extends PaginationQueryDto {
  // No `example`: Swagger UI would pre-fill it in "Try it out" and silently filter the events.
  @ApiPropertyOptional({ description: 'Only events of this type, e.g. message.sent' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  eventType?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Created at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date' })
  @MinDate(EARLIEST_DATE, { message: `from must not be before ${EARLIEST_DATE.toISOString()}` })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Created before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date' })
  @MinDate(EARLIEST_DATE, { message: `to must not be before ${EARLIEST_DATE.toISOString()}` })
  to?: Date;
}
