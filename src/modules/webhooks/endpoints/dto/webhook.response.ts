import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RetryPolicyDto } from './retry-policy.dto';
import { Webhook } from '../webhook.entity';
import { maskSecret } from '../validation/webhook-secret';
import {
  WEBHOOK_FORMATS,
  WEBHOOK_ORDERINGS,
  WebhookFilter,
  WebhookFormat,
  WebhookOrdering,
} from '../../routing/routing-settings';

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description: string | null;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) events: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;
  @ApiProperty({ type: RetryPolicyDto }) retryPolicy: RetryPolicyDto;
  @ApiProperty() timeoutMs: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) rateLimitPerSecond: number | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true })
  filter: WebhookFilter | null;
  @ApiProperty({ enum: WEBHOOK_ORDERINGS }) ordering: WebhookOrdering;
  @ApiProperty({ enum: WEBHOOK_FORMATS }) format: WebhookFormat;
  @ApiPropertyOptional({ nullable: true, type: String }) template: string | null;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ enum: ['active', 'disabled'] }) status: 'active' | 'disabled';
  @ApiPropertyOptional({ nullable: true, type: String }) disabledReason: string | null;
  @ApiProperty({
    description:
      'Masked ("whsec_…abcd") except on create and the secret routes; "whsec_…????" when the ' +
      'stored secret cannot be decrypted (rotate it)',
  })
  secret: string;
  @ApiProperty() totalDeliveries: number;
  @ApiProperty() successfulDeliveries: number;
  @ApiProperty() failedDeliveries: number;
  @ApiProperty() consecutiveFailures: number;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastTriggeredAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastSuccessAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastFailureAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(webhook: Webhook, options: { revealSecret?: boolean } = {}): WebhookResponse {
    return {
      id: webhook.id,
      name: webhook.name,
      description: webhook.description,
      url: webhook.url,
      events: webhook.events,
      headers: webhook.headers,
      retryPolicy: webhook.retryPolicy,
      timeoutMs: webhook.timeoutMs,
      rateLimitPerSecond: webhook.rateLimitPerSecond,
      filter: webhook.filter,
      ordering: webhook.ordering,
      format: webhook.format,
      template: webhook.template,
      isActive: webhook.isActive,
      status: webhook.isActive ? 'active' : 'disabled',
      disabledReason: webhook.isActive ? null : webhook.disabledReason,
      secret: options.revealSecret ? webhook.secret : maskSecret(webhook.secret),
      totalDeliveries: webhook.totalDeliveries,
      successfulDeliveries: webhook.successfulDeliveries,
      failedDeliveries: webhook.failedDeliveries,
      consecutiveFailures: webhook.consecutiveFailures,
      lastTriggeredAt: webhook.lastTriggeredAt,
      lastSuccessAt: webhook.lastSuccessAt,
      lastFailureAt: webhook.lastFailureAt,
      createdAt: webhook.createdAt,
      updatedAt: webhook.updatedAt,
    };
  }
}

export class WebhookPageResponse {
  @ApiProperty({ type: [WebhookResponse] }) data: WebhookResponse[];
  @ApiProperty({ example: { page: 1, limit: 20, total: 1 } })
  meta: { page: number; limit: number; total: number };
}

export class SecretResponse {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) secret: string;
}
