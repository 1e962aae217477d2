import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DeliveryLogRepository } from './delivery-log.repository';
import { WebhookDeliveryService } from '../delivery/webhook-delivery.service';
import { TestWebhookDto, TestWebhookResponse } from './dto/test-webhook.dto';
import { EventCatalog } from '../events/event-catalog';
import { TEST_EVENT_TYPE } from '../events/event-types';
import { buildEventEnvelope } from '../events/event-envelope';
import { WebhookRegistryService } from '../endpoints/webhook-registry.service';

/** The synchronous test route: one logged attempt, answered with what the endpoint said. */
@Injectable()
export class WebhookTestService {
  constructor(
    private readonly logs: DeliveryLogRepository,
    private readonly registry: WebhookRegistryService,
    private readonly delivery: WebhookDeliveryService,
    private readonly catalog: EventCatalog,
  ) {}

  async send(
    tenantId: string,
    webhookId: string,
    dto: TestWebhookDto,
  ): Promise<TestWebhookResponse> {
    const eventType = dto.eventType ?? TEST_EVENT_TYPE;
    const testable = this.catalog.testableTypes();
    if (!testable.includes(eventType)) {
      const allowed = testable.join(', ');
      throw new BadRequestException([`eventType must be one of the following values: ${allowed}`]);
    }
    // A secret that does not decrypt answers 409 here, before any log row is written.
    await this.registry.assertSecretsReadable(tenantId, webhookId);
    const eventId = `evt_test_${randomUUID().replace(/-/g, '')}`;
    const data =
      dto.payload ??
      (eventType === TEST_EVENT_TYPE
        ? { ...this.catalog.sampleFor(eventType), webhookId }
        : this.catalog.sampleFor(eventType));
    // Throws InvalidWebhookEventError (400) for a payload over the size limit, before any write.
    const payload = buildEventEnvelope(eventId, eventType, data);
    const log = await this.logs.insertTest(tenantId, webhookId, eventId, eventType, payload);
    if (!log) throw new NotFoundException('Webhook not found');
    const outcome = await this.delivery.attempt(
      { logId: log.id, webhookId, createdAt: log.createdAt },
      { test: true },
    );
    const result = 'result' in outcome ? outcome.result : null;
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
