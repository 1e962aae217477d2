import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from '../events/event-catalog';

const TESTABLE_TYPES = [TEST_EVENT_TYPE, ...WEBHOOK_EVENT_TYPES];

export class TestWebhookDto {
  @ApiPropertyOptional({ enum: TESTABLE_TYPES, default: TEST_EVENT_TYPE })
  @IsOptional()
  @IsIn(TESTABLE_TYPES)
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
