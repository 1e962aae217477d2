import { ApiProperty } from '@nestjs/swagger';

export class EventCatalogEntryResponse {
  @ApiProperty({ example: 'message.sent' }) type: string;
  @ApiProperty({ example: 'message' }) category: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) samplePayload: Record<
    string,
    unknown
  >;
}

export class EventCatalogResponse {
  @ApiProperty({ type: [EventCatalogEntryResponse] }) events: EventCatalogEntryResponse[];
}
