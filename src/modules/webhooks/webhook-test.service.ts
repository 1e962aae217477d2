import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import { TestWebhookDto, TestWebhookResponse } from './dto/test-webhook.dto';
import { WebhookLog } from './entities/webhook-log.entity';
import { DeliverableEventType, sampleFor, TEST_EVENT_TYPE } from './events/event-catalog';
import { WebhookRegistryService } from './webhook-registry.service';

/** The synchronous test route: one logged attempt, answered with what the endpoint said. */
@Injectable()
export class WebhookTestService {
  constructor(
    @InjectRepository(WebhookLog) private readonly logs: Repository<WebhookLog>,
    private readonly registry: WebhookRegistryService,
    private readonly delivery: WebhookDeliveryService,
  ) {}

  async send(
    tenantId: string,
    webhookId: string,
    dto: TestWebhookDto,
  ): Promise<TestWebhookResponse> {
    const webhook = await this.registry.findOne(tenantId, webhookId);
    const eventType = (dto.eventType ?? TEST_EVENT_TYPE) as DeliverableEventType;
    const eventId = `evt_test_${randomUUID().replace(/-/g, '')}`;
    const data =
      dto.payload ??
      (eventType === TEST_EVENT_TYPE
        ? { ...sampleFor(eventType), webhookId }
        : sampleFor(eventType));
    const log = await this.logs.save(
      this.logs.create({
        tenantId,
        webhookId: webhook.id,
        eventId,
        eventType,
        payload: { id: eventId, type: eventType, timestamp: new Date().toISOString(), data },
        status: 'pending',
        nextAttemptAt: new Date(),
      }),
    );
    const outcome = await this.delivery.attempt(log.id, { test: true });
    const result = outcome.kind === 'dropped' ? null : outcome.result;
    return {
      success: outcome.kind === 'success',
      statusCode: result?.statusCode ?? null,
      responseTimeMs: result?.responseTimeMs ?? null,
      responseBody: result?.responseBody ?? null,
      error: result?.error ?? (outcome.kind === 'dropped' ? 'The webhook was deleted' : null),
      logId: log.id,
    };
  }
}
