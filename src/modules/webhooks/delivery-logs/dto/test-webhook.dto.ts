import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString } from 'class-validator';
import { TEST_EVENT_TYPE } from '../../events/event-types';

export class TestWebhookDto {
  // Checked against the app's event catalog by WebhookTestService.
  @ApiPropertyOptional({
    default: TEST_EVENT_TYPE,
    description: '`webhook.test` or a type of the catalog (GET /webhooks/events)',
  })
  @IsOptional()
  @IsString()
  eventType?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The event's data; the catalog sample when absent",
  })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;
}

export class TestWebhookResponse {
  @ApiProperty() success: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number }) statusCode: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) responseTimeMs: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) responseBody: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'uuid' }) logId: string;
}
