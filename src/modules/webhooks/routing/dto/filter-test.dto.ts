import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class FilterTestDto {
  @ApiProperty({
    description:
      'An envelope ({ id, type, timestamp, data }) or just its data; with data alone, only data.* paths exist',
    example: { type: 'message.sent', data: { message: { to: '+15550100', status: 'sent' } } },
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  payload: Record<string, unknown>;
}

export class FilterTestResponse {
  @ApiProperty({ description: "Whether the webhook's stored filter lets this event through" })
  matches: boolean;
}
