import { ApiProperty } from '@nestjs/swagger';
import { Message, MESSAGE_STATUSES, MessageStatus } from '../message.entity';

/** The API representation of a message; `message.*` events carry exactly this as `data.message`. */
export class MessageResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() to: string;
  @ApiProperty() body: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: MessageStatus;
  @ApiProperty() createdAt: Date;

  static from(message: Message): MessageResponse {
    return {
      id: message.id,
      to: message.to,
      body: message.body,
      status: message.status,
      createdAt: message.createdAt,
    };
  }
}
