import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhooksModule } from '../webhooks';
import { MESSAGE_EVENTS } from './message-events';
import { Message } from './message.entity';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/**
 * Example producer module: it declares the message.* events it emits. MessagesService is
 * exported so campaigns send within their transaction.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Message]),
    WebhooksModule.forFeature({ events: MESSAGE_EVENTS }),
  ],
  controllers: [MessagesController],
  providers: [MessagesService],
  exports: [MessagesService],
})
export class MessagesModule {}
