import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, DeliveryStatus } from '../../delivery-logs/delivery-log-status';

export class EventSummaryResponse {
  @ApiProperty() eventId: string;
  @ApiProperty() eventType: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ description: 'Delivery logs of the event, across endpoints' })
  deliveries: number;
}

export class EventPageResponse {
  @ApiProperty({ type: [EventSummaryResponse] }) data: EventSummaryResponse[];
  @ApiProperty({ example: { page: 1, limit: 20, total: 1 } })
  meta: { page: number; limit: number; total: number };
}

/** One endpoint the event went to. */
export class EventDeliveryResponse {
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty() webhookName: string;
  @ApiProperty({ format: 'uuid' }) logId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attemptCount: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) responseStatus: number | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) completedAt: Date | null;
}

export class EventDetailResponse {
  @ApiProperty() eventId: string;
  @ApiProperty() eventType: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The envelope { id, type, timestamp, data } as sent',
  })
  payload: Record<string, unknown>;
  @ApiProperty({
    type: [EventDeliveryResponse],
    description: "By webhook name; a deleted webhook's deliveries went with it",
  })
  deliveries: EventDeliveryResponse[];
}
