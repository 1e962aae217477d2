import { Injectable, NotFoundException } from '@nestjs/common';
import { Page } from '../http/pagination.dto';
import { EventDetailResponse, EventSummaryResponse } from './dto/event.response';
import { ListEventsQuery } from './dto/list-events.query';
import { EventHistoryRepository } from './event-history.repository';

/** A tenant's triggered events and where each one went. */
@Injectable()
export class EventHistoryService {
  constructor(private readonly events: EventHistoryRepository) {}

  async list(tenantId: string, query: ListEventsQuery): Promise<Page<EventSummaryResponse>> {
    const { rows, total } = await this.events.list(tenantId, query);
    return { data: rows, meta: { page: query.page, limit: query.limit, total } };
  }

  async findOne(tenantId: string, eventId: string): Promise<EventDetailResponse> {
    const event = await this.events.findOne(tenantId, eventId);
    if (!event) throw new NotFoundException('Event not found');
    return {
      ...event,
      deliveries: event.deliveries.map((delivery) => ({
        ...delivery,
        completedAt: delivery.completedAt === null ? null : new Date(delivery.completedAt),
      })),
    };
  }
}
