import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, DeliveryStatus } from '../delivery-log-status';
import { DeliveryAttempt, WebhookLog } from '../webhook-log.entity';

export class DeliveryAttemptResponse implements DeliveryAttempt {
  @ApiProperty() attempt: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) statusCode: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) responseTimeMs: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
}

export class LogResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty() eventId: string;
  @ApiProperty() eventType: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The body that is sent' })
  payload: Record<string, unknown>;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attemptCount: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) responseStatus: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'First 1 KiB' })
  responseBody: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) responseTimeMs: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorMessage: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) nextAttemptAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) completedAt: Date | null;
  @ApiProperty() isSuccess: boolean;

  static from(log: WebhookLog): LogResponse {
    return {
      id: log.id,
      webhookId: log.webhookId,
      eventId: log.eventId,
      eventType: log.eventType,
      // Always joined by the routes; an empty object only if the event was deleted by hand.
      payload: log.event?.payload ?? {},
      status: log.status,
      attemptCount: log.attemptCount,
      responseStatus: log.responseStatus,
      responseBody: log.responseBody,
      responseTimeMs: log.responseTimeMs,
      errorMessage: log.errorMessage,
      nextAttemptAt: log.nextAttemptAt,
      createdAt: log.createdAt,
      completedAt: log.completedAt,
      isSuccess: log.status === 'success',
    };
  }
}

export class LogDetailResponse extends LogResponse {
  @ApiProperty({ type: [DeliveryAttemptResponse] }) attempts: DeliveryAttemptResponse[];

  static fromDetail(log: WebhookLog): LogDetailResponse {
    return { ...LogResponse.from(log), attempts: log.attempts };
  }
}

export class LogPageResponse {
  @ApiProperty({ type: [LogResponse] }) data: LogResponse[];
  @ApiProperty({ example: { page: 1, limit: 20, total: 1 } })
  meta: { page: number; limit: number; total: number };
}
