import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { PaginationQueryDto } from '../../http/pagination.dto';
import { BooleanQuery } from '../../http/validation/boolean-query';

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
  // Checked against the app's event catalog by WebhookRegistryService.
  @IsOptional()
  @IsString()
  event?: string;
}
