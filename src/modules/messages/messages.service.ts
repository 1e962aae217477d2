import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { WebhooksService } from '../webhooks';
import { CreateMessageDto } from './dto/create-message.dto';
import { MessageResponse } from './dto/message.response';
import { ReportedMessageStatus } from './dto/update-message-status.dto';
import { Message } from './message.entity';

/**
 * Every write and its webhook event share one transaction: the event is written to the outbox
 * in the same commit as the message, so it exists if and only if the message change does.
 */
@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhooksService,
  ) {}

  create(tenantId: string, dto: CreateMessageDto): Promise<Message> {
    return this.db.transaction((manager) => this.send(tenantId, dto, manager));
  }

  /**
   * Inserts a sent message and its `message.sent` event inside the caller's transaction
   * (campaigns send many in theirs). The event id is derived from the message id, so
   * re-emitting it for the same message can never deliver twice.
   */
  async send(tenantId: string, dto: CreateMessageDto, manager: EntityManager): Promise<Message> {
    const message = await manager.save(
      manager.create(Message, { tenantId, to: dto.to, body: dto.body, status: 'sent' }),
    );
    await this.webhooks.triggerEvent(
      tenantId,
      'message.sent',
      { message: MessageResponse.from(message) },
      { manager, eventId: `message.sent:${message.id}` },
    );
    return message;
  }

  /** Another tenant's message is reported as missing, exactly like an unknown id. */
  updateStatus(tenantId: string, id: string, status: ReportedMessageStatus): Promise<Message> {
    return this.db.transaction(async (manager) => {
      // The row lock serialises concurrent reports, so each real change emits exactly one event.
      const message = await manager.findOne(Message, {
        where: { id, tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!message) throw new NotFoundException('Message not found');
      // A repeated report (a client retry) changes nothing, so there is nothing to announce.
      if (message.status === status) return message;

      message.status = status;
      await manager.save(message);
      await this.webhooks.triggerEvent(
        tenantId,
        `message.${status}`,
        { message: MessageResponse.from(message) },
        { manager },
      );
      return message;
    });
  }
}
