import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../http/pagination.dto';
import { BooleanQuery } from '../http/validation/boolean-query';
import { Satisfies } from '../http/validation/satisfies.decorator';
import { isValidSubscription } from '../events/event-catalog';

export class ListWebhooksQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  isActive?: boolean;

  // No `example`: Swagger UI would pre-fill it in "Try it out" and silently filter the list.
  @ApiPropertyOptional({
    description:
      'Only webhooks that receive this event type (or subscribe to this pattern), e.g. message.sent',
  })
  @IsOptional()
  @Satisfies((value) =>
    isValidSubscription(String(value)) ? null : 'event must be a catalog event type or pattern',
  )
  event?: string;
}
